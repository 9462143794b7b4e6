// The config cookbook (docs/how-to/member-config.md): five real-world member configs, each synthesized and checked against the schema
// by test/cookbook.test.ts.
export * from './event-queue';
export * from './jet-pipeline';
export * from './reference-data';
export * from './session-cache';
export * from './split-brain-protected-map';
