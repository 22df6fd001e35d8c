# Functions that find and read blobs with curl through a container SAS with read and list
# permissions (azure-cli image): no az process, no Python, and the blob's bytes go straight from
# curl to the pipe or file. Every URL here ends in the SAS's query string and reaches curl only
# through a config on fd 3, never a command line.

# An XML text's five predefined entities decoded (names and metadata values in Azure's listings).
xml_text() {
  local text=$1 amp='&'
  text=${text//&lt;/<}
  text=${text//&gt;/>}
  text=${text//&quot;/\"}
  text=${text//&apos;/\'}
  # Quoted: bash 5.2 would put the matched text for an unquoted & in the replacement.
  printf '%s\n' "${text//&amp;/"$amp"}"
}

# Prints the last name (in byte order) ending in ".dump" under the prefix $2 in the container at
# $1 (its URL with the SAS), or nothing when there is none. Follows the listing's pages (of at
# most $3 names each: 5000, Azure's largest, unless a test asks for fewer).
latest_dump_name() {
  local container_url=$1 prefix=$2 page_size=${3:-5000} marker='' page name latest='' chunk query
  local LC_ALL=C
  : "${X_MS_VERSION:?}"
  while :; do
    query="restype=container&comp=list&prefix=$(url_path "$prefix")&maxresults=$page_size"
    [[ -z $marker ]] || query+="&marker=$(url_path "$marker")"
    page=$(curl --silent --show-error --fail --retry 4 --connect-timeout 30 --max-time 300 \
      --header "x-ms-version: $X_MS_VERSION" --config /dev/fd/3 \
      3<<< "url = \"$container_url&$query\"") || return 1
    # One blob per line (a regex over the whole page would copy it once per blob).
    while IFS= read -r chunk; do
      [[ $chunk =~ ^\<Name\>([^<]*)\</Name\> ]] || continue
      name=$(xml_text "${BASH_REMATCH[1]}")
      if [[ $name == *.dump && $name > $latest ]]; then latest=$name; fi
    done <<< "${page//<Blob>/$'\n'}"
    marker=''
    if [[ $page =~ \<NextMarker\>([^<]+)\</NextMarker\> ]]; then marker=$(xml_text "${BASH_REMATCH[1]}"); fi
    [[ -n $marker ]] || break
  done
  [[ -z $latest ]] || printf '%s\n' "$latest"
}

# Prints the properties the fetch needs of the blob at $1 (its URL with the SAS), one per line:
# its length, then its metadata sha256, pg_dump_version, globals_sha256 and globals_size (empty
# lines where it has none). Returns 2 when there is no such blob, 1 on any other failure.
blob_fields() {
  local head status error length line
  local -A meta=()
  head=$(blob_head "$1") || return 1
  read -r status error length <<< "$head"
  [[ $status != 404 ]] || return 2
  [[ $status == 200 ]] || {
    log "reading the properties of the blob failed: HTTP $status ${error/#-/with no error code}"
    return 1
  }
  while IFS= read -r line; do
    [[ $line == *=* ]] && meta[${line%%=*}]=${line#*=}
  done <<< "${head#*$'\n'}"
  printf '%s\n' "$length" "${meta[sha256]:-}" "${meta[pg_dump_version]:-}" \
    "${meta[globals_sha256]:-}" "${meta[globals_size]:-}"
}

# Writes the blob at $1 (its URL with the SAS) to standard output. No retry: a download that
# failed part-way cannot be restarted into a pipe that already holds its first bytes (the reader
# then fails on the size and checksum); a file is simply downloaded again by the next run.
download_blob() {
  : "${X_MS_VERSION:?}"
  curl --silent --show-error --fail --connect-timeout 30 \
    --header "x-ms-version: $X_MS_VERSION" --config /dev/fd/3 \
    3<<< "url = \"$1\""
}
