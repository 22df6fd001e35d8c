# Functions for staging a stream as the blocks of one block blob with curl, and committing them
# (azure-cli image). Azure keeps staged blocks invisible until a Put Block List names them, and
# deletes uncommitted blocks after 7 days: a stream that fails anywhere leaves no blob.

# Fails, naming the image, unless every program given is on PATH.
require_programs() {
  local program missing=()
  for program in "$@"; do command -v "$program" > /dev/null || missing+=("$program"); done
  ((${#missing[@]} == 0)) \
    || fail "the image ${CONTAINER_IMAGE:-?} has no ${missing[*]}: the upload and the fetch reach the storage with curl, hash a stream with python3 and sign their SASes with it when they have the storage account key (the upload also hashes with openssl and coreutils); use an azure-cli image that ships them"
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
# re-sent (the same id again replaces it), and the stream stops at the first block that fails for good,
# or whose body is not read from the stream within $3 seconds (960 unless a test asks for fewer).
# curl reads a block's whole body (--data-binary @-) before it sends it, so the next block is read
# from the stream as soon as curl has the last one, while that one is still on its way: up to
# three blocks are in flight (each in its curl's memory), and the dump writing the stream
# never waits for Azure's answer to a block, only for a block to be taken.
stage_blocks() {
  local count_file=$1 sent_file=$2 read_seconds=${3:-960} first="$SCRATCH_DIR/block.first" i=0 total=0 id taken oldest sent
  local -a flying=()
  # Three: with 16 MiB blocks, at most 48 MiB of curls' buffers; two already hide one answer's wait.
  local in_flight=3
  : "${BLOB_URL:?}" "${BLOCK_BYTES:?}" "${MAX_BLOCKS:?}" "${X_MS_VERSION:?}"
  # One line per block whose body has been read from the stream (by its curl).
  exec {taken}<> <(:)
  while :; do
    if ((${#flying[@]} >= in_flight)); then
      finish_block "${flying[0]}" || {
        abandon_blocks "$first" "${flying[@]:1}"
        return 1
      }
      flying=("${flying[@]:1}")
    fi
    # One byte first, into a one-byte file: at the end of the stream nothing is sent (Azure refuses
    # an empty block), and the block itself is that byte and the rest read by head.
    head --bytes=1 > "$first" || return 1
    [[ -s $first ]] || break
    ((i < MAX_BLOCKS)) || fail "the dump needs more than $MAX_BLOCKS blocks of $BLOCK_BYTES bytes, Azure's limit per blob: raise BLOCK_MIB"
    id=$(block_id "$i")
    {
      cat "$first" && head --bytes=$((BLOCK_BYTES - 1))
      printf '%s\n' "$i" >&"$taken"
    } | curl --silent --show-error --fail \
      --retry 6 --retry-all-errors --retry-delay 2 --connect-timeout 30 --max-time 900 \
      --request PUT --header "x-ms-version: $X_MS_VERSION" --header 'Content-Type:' --data-binary @- \
      --output /dev/null --write-out '%{size_upload}' --config /dev/fd/3 \
      3<<< "url = \"$BLOB_URL&comp=block&blockid=$id\"" > "$SCRATCH_DIR/block-$i.sent" &
    flying+=("$i:$!")
    # The stream is read by one process at a time: the next block starts once this one is taken.
    read -r -t "$read_seconds" -u "$taken" _ || {
      log "block $i was not read from the stream within $read_seconds s"
      abandon_blocks "$first" "${flying[@]}"
      return 1
    }
    i=$((i + 1))
  done
  while ((${#flying[@]} > 0)); do
    finish_block "${flying[0]}" || {
      abandon_blocks "$first" "${flying[@]:1}"
      return 1
    }
    flying=("${flying[@]:1}")
  done
  rm -f -- "$first"
  for ((oldest = 0; oldest < i; oldest++)); do
    sent=$(< "$SCRATCH_DIR/block-$oldest.sent")
    rm -f -- "$SCRATCH_DIR/block-$oldest.sent"
    total=$((total + sent))
  done
  exec {taken}<&-
  printf '%s\n' "$i" > "$count_file"
  printf '%s\n' "$total" > "$sent_file"
}

# After a block failed: stops the curls of the blocks still in flight (the arguments after the
# first, "<index>:<pid>" each; their blocks stay uncommitted, which Azure deletes on its own) and
# removes the staging's scratch files: the blocks' byte counts and $1, the one-byte file of stage_blocks.
abandon_blocks() {
  local first=$1 block
  shift
  for block in "$@"; do kill "${block#*:}" 2> /dev/null || :; done
  for block in "$@"; do wait "${block#*:}" 2> /dev/null || :; done
  rm -f -- "$SCRATCH_DIR"/block-*.sent "$first"
}

# Waits for the curl of one staged block ("<index>:<pid>", from stage_blocks) and logs it if it failed.
finish_block() {
  wait "${1#*:}" || {
    log "staging block ${1%%:*} failed"
    return 1
  }
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
