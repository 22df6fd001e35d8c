// PostgreSQL backup and restore constructs: re-exports only.
export {};
