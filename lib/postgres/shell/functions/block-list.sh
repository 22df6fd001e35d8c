# Functions that check the blocks Azure holds for a blob against those staged, before the commit
# (azure-cli image). A block staged twice under one id keeps the last bytes Azure received: a stale
# or damaged copy arriving after the good one would otherwise be committed without an error.

# Prints the blob's uncommitted block list (Get Block List XML) from $BLOB_URL, whose SAS (with
# read permission) reaches curl only through a config on fd 3.
staged_block_list() {
  : "${BLOB_URL:?}" "${X_MS_VERSION:?}"
  curl --silent --show-error --fail --retry 4 --connect-timeout 30 --max-time 300 \
    --header "x-ms-version: $X_MS_VERSION" --config /dev/fd/3 \
    3<<< "url = \"$BLOB_URL&comp=blocklist&blocklisttype=uncommitted\""
}

# Checks the block list XML $1 against what was staged: blocks 0 to $2-1 (ids of block_id), each
# BLOCK_BYTES long but the last, $3 bytes in all. Logs the first block that differs.
check_block_sizes() {
  local xml=$1 blocks=$2 total=$3 line i id expected
  local -A sizes=()
  : "${BLOCK_BYTES:?}"
  # No whitespace in ids or sizes: what there is only formats the XML.
  xml=${xml//[$'\r\n\t ']/}
  # One block per line (a regex over the whole text would copy it once per block).
  while IFS= read -r line; do
    [[ $line =~ \<Block\>\<Name\>([^<]*)\</Name\>\<Size\>([0-9]+)\</Size\>$ ]] || continue
    sizes[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
  done <<< "${xml//<\/Block>/$'\n'}"
  for ((i = 0; i < blocks; i++)); do
    id=$(block_id "$i")
    expected=$BLOCK_BYTES
    ((i < blocks - 1)) || expected=$((total - (blocks - 1) * BLOCK_BYTES))
    [[ ${sizes[$id]:-none} == "$expected" ]] || {
      log "block $i ($id) is ${sizes[$id]:-missing} bytes in storage, $expected were staged"
      return 1
    }
  done
}
