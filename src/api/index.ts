// The Docker Engine API face (`berth system service`): docker's own clients (the docker
// CLI, SDKs such as dockerode) drive the same Engine the CLI and the TUI use. A sibling
// of those faces: it imports the engine and nothing of theirs.
export { serve, parseHost, DEFAULT_SOCKET, API_VERSION, type ServeOptions, type Listen, type TlsFiles } from './server.js';
