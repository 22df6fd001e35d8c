# Functions for staging a stream as the blocks of one block blob with curl, and committing them
# (azure-cli image). Azure keeps staged blocks invisible until a Put Block List names them, and
# deletes uncommitted blocks after 7 days: a stream that fails anywhere leaves no blob.

# Fails, naming the image, unless every program given is on PATH.
require_programs() {
  local program missing=()
  for program in "$@"; do command -v "$program" > /dev/null || missing+=("$program"); done
  ((${#missing[@]} == 0)) \
    || fail "the image ${CONTAINER_IMAGE:-?} has no ${missing[*]}: the upload and the fetch reach the storage with curl (the upload also hashes with openssl and coreutils), and sign their SASes with python3 when they have the storage account key; use an azure-cli image that ships them"
}

# A blob name as a URL path: every byte but unreserved characters and '/' percent-encoded.
url_path() {
  local LC_ALL=C name=$1 out='' char i
  for ((i = 0; i < ${#name}; i++)); do
    char=${name:i:1}
    case $char in
      [A-Za-z0-9/._~-]) out+=$char ;;
      *) printf -v char '%%%02X' "'$char" && out+=$char ;;
    esac
  done
  printf '%s\n' "$out"
}

# Block id of index $1: base64 of the zero-padded index. Every id of a blob must have the same
# length; six digits encode to eight characters without padding.
block_id() {
  local digits
  printf -v digits '%06d' "$1"
  printf '%s' "$digits" | base64
}

# Stages stdin as blocks of BLOCK_BYTES (the last one shorter) of the blob at $BLOB_URL, whose
# query string is the SAS: it only ever reaches curl through a config on fd 3, never a command
# line. Writes the number of blocks to $1 and the bytes curl sent to $2. A block that fails is
# re-sent (the same id again replaces it), and the stream stops at the first block that fails for good.
stage_blocks() {
  local count_file=$1 sent_file=$2 first="$SCRATCH_DIR/block.first" i=0 total=0 id sent
  : "${BLOB_URL:?}" "${BLOCK_BYTES:?}" "${MAX_BLOCKS:?}" "${X_MS_VERSION:?}"
  while :; do
    # One byte first, into a one-byte file: at the end of the stream nothing is sent (Azure refuses
    # an empty block), and the block itself is that byte and the rest read by head.
    head --bytes=1 > "$first" || return 1
    [[ -s $first ]] || break
    ((i < MAX_BLOCKS)) || fail "the dump needs more than $MAX_BLOCKS blocks of $BLOCK_BYTES bytes, Azure's limit per blob: raise BLOCK_MIB"
    id=$(block_id "$i")
    sent=$({ cat "$first" && head --bytes=$((BLOCK_BYTES - 1)); } | curl --silent --show-error --fail \
      --retry 6 --retry-all-errors --retry-delay 2 --connect-timeout 30 --max-time 900 \
      --request PUT --header "x-ms-version: $X_MS_VERSION" --header 'Content-Type:' --data-binary @- \
      --output /dev/null --write-out '%{size_upload}' --config /dev/fd/3 \
      3<<< "url = \"$BLOB_URL&comp=block&blockid=$id\"") || {
      log "staging block $i failed"
      return 1
    }
    total=$((total + sent))
    i=$((i + 1))
  done
  printf '%s\n' "$i" > "$count_file"
  printf '%s\n' "$total" > "$sent_file"
}

# Commits blocks 0 to $1-1 as the blob at $BLOB_URL, listed by index (never in the order they
# were staged): Put Block List, refused if a blob of that name exists. Further arguments are
# extra request headers (the metadata as x-ms-meta-*).
commit_blocks() {
  local blocks=$1 i header
  shift
  : "${BLOB_URL:?}" "${X_MS_VERSION:?}"
  local headers=()
  for header in "$@"; do headers+=(--header "$header"); done
  {
    printf '<?xml version="1.0" encoding="utf-8"?><BlockList>'
    for ((i = 0; i < blocks; i++)); do printf '<Latest>%s</Latest>' "$(block_id "$i")"; done
    printf '</BlockList>'
  } | curl --silent --show-error --fail --retry 4 --connect-timeout 30 --max-time 300 \
    --request PUT --header "x-ms-version: $X_MS_VERSION" --header 'If-None-Match: *' \
    --header 'Content-Type: application/xml' --header 'x-ms-blob-content-type: application/octet-stream' \
    "${headers[@]}" --data-binary @- --output /dev/null --config /dev/fd/3 \
    3<<< "url = \"$BLOB_URL&comp=blocklist\""
}

# Stores the file $1 as the block blob at the URL $2, whose query string is a SAS (it reaches curl
# only through a config on fd 3, never a command line), in one Put Blob, refused if a blob of that
# name exists. Further arguments are extra request headers (the metadata as x-ms-meta-*). For small
# files (the globals): Put Blob takes the whole body in one request.
put_blob() {
  local file=$1 url=$2 header
  shift 2
  : "${X_MS_VERSION:?}"
  local headers=()
  for header in "$@"; do headers+=(--header "$header"); done
  curl --silent --show-error --fail --retry 4 --connect-timeout 30 --max-time 300 \
    --request PUT --header "x-ms-version: $X_MS_VERSION" --header 'x-ms-blob-type: BlockBlob' \
    --header 'If-None-Match: *' --header 'Content-Type: application/sql' \
    "${headers[@]}" --data-binary @"$file" --output /dev/null --config /dev/fd/3 \
    3<<< "url = \"$url\""
}
