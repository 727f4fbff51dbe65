// The Docker Engine API face (issue 19).
export {};
