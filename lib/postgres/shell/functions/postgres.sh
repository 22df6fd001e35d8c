# Functions for the PostgreSQL client (postgres image).

# Major version of a PostgreSQL program, from "pg_dump (PostgreSQL) 17.2 (Debian ...)".
client_major() {
  local text
  text=$("$1" --version)
  [[ $text =~ \(PostgreSQL\)\ ([0-9]+) ]] || fail "cannot read the version of $1 from: $text"
  printf '%s\n' "${BASH_REMATCH[1]}"
}

client_version() {
  local text
  text=$("$1" --version)
  [[ $text =~ \(PostgreSQL\)\ ([0-9][0-9a-z.]*) ]] || fail "cannot read the version of $1 from: $text"
  printf '%s\n' "${BASH_REMATCH[1]}"
}
