// Reading, following and filtering a container's log (the monitor's k8s-file).
export { parseLine, parseTimeNs, type LogRecord, type LogStream } from './record.js';
export { readLog, type ReadOptions } from './read.js';
export { followLog, type FollowOptions } from './follow.js';
export { goDurationNs, parseDuration, parseSince } from './since.js';
