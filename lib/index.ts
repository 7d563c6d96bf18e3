// The whole store as one construct
export * from './okta-s3-storage';

// Constructs
export * from './constructs/user-files-bucket';
export * from './constructs/okta-federation';
export * from './constructs/user-identity-pool';
export * from './constructs/okta-web-identity-role';
export * from './constructs/workflows-connector-role';
export * from './constructs/offboarding';
export * from './constructs/federated-user-pool';
export * from './constructs/presign-api';
export * from './constructs/storage-monitoring';
export * from './constructs/web-client';
export * from './constructs/private-network';
export * from './constructs/logs-key';
export * from './compliance';
export * from './malware-scanning';
export * from './constructs/malware-protection';
export * from './constructs/malware-quarantine';

// Defaults and pure policy builders, as static methods
export * from './defaults';
export * from './policy/user-prefix-policy';
export * from './policy/team-folder';
export * from './policy/team-folder-policy';
export * from './policy/cors-rules';
export * from './constructs/sharing-table';
