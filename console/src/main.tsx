import { render } from 'preact';

render(<h1>Logway console</h1>, document.getElementById('app')!);
