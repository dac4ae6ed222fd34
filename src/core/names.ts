/**
 * Kafka's rule for topic names (kafka.common.internals.Topic.validate), applied to consumer
 * group names too: 1-249 characters of [a-zA-Z0-9._-], and not '.' or '..', which URLs
 * normalise away (RFC 3986 5.2.4), so a resource with such a name could never be reached by path.
 */
export const NAME_CHARACTERS = '^[a-zA-Z0-9._-]+$';
export const NAME_MAX_LENGTH = 249;
export const DOT_NAMES: readonly string[] = ['.', '..'];

const NAME = new RegExp(NAME_CHARACTERS);

/** The reason a topic or group name is invalid, or undefined when it is valid. */
export function checkName(name: string): string | undefined {
  if (name.length < 1 || name.length > NAME_MAX_LENGTH || !NAME.test(name)) {
    return `must be 1-${NAME_MAX_LENGTH} characters of [a-zA-Z0-9._-]`;
  }
  if (DOT_NAMES.includes(name)) return "must not be '.' or '..'";
  return undefined;
}
