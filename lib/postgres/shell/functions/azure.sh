# Functions for az (azure-cli image).

# On its first call in a new AZURE_CONFIG_DIR, az indexes its command modules by loading every one
# of them (about a second of CPU). These scripts only run "az storage" and "az login", so the index
# is written for those two, for the az version of the image tag (AZURE_CLI_VERSION, set at synth
# when the tag is a version). An az of another version ignores it and builds its own, as without it.
prime_az() {
  : "${AZURE_CONFIG_DIR:?}"
  [[ ${AZURE_CLI_VERSION:-} =~ ^[0-9]+\.[0-9]+\.[0-9]+$ && -d $AZURE_CONFIG_DIR && ! -e $AZURE_CONFIG_DIR/commandIndex.json ]] || return 0
  printf '{"version": "%s", "cloudProfile": "latest", "commandIndex": {"storage":["azure.cli.command_modules.storage"],"login":["azure.cli.command_modules.profile"]}}\n' \
    "$AZURE_CLI_VERSION" > "$AZURE_CONFIG_DIR/commandIndex.json"
}

# Fills the array "storage" with the account, endpoint and auth mode for az storage commands.
# Keys travel in the environment, never on a command line (az reads AZURE_STORAGE_KEY itself). The
# one exception is az's documented workload identity login, which takes the short-lived federated
# token as an argument; it is visible only inside this container, which shares no process namespace.
storage_login() {
  : "${AZURE_STORAGE_ACCOUNT:?}" "${BLOB_CONTAINER:?}" "${AUTH_MODE:?}"
  storage=(--account-name "$AZURE_STORAGE_ACCOUNT")
  if [[ -n "${BLOB_ENDPOINT:-}" ]]; then storage+=(--blob-endpoint "$BLOB_ENDPOINT"); fi
  case "$AUTH_MODE" in
    storageAccountKey)
      [[ -n "${AZURE_STORAGE_KEY-}" ]] || fail "AZURE_STORAGE_KEY is empty: check the storage account key Secret"
      storage+=(--auth-mode key)
      ;;
    workloadIdentity)
      [[ -n "${AZURE_CLIENT_ID:-}" && -n "${AZURE_TENANT_ID:-}" && -r "${AZURE_FEDERATED_TOKEN_FILE:-}" ]] \
        || fail "no workload identity: the pod needs the label azure.workload.identity/use=true and a service account annotated with azure.workload.identity/client-id"
      az login --service-principal --username "$AZURE_CLIENT_ID" --tenant "$AZURE_TENANT_ID" \
        --federated-token "$(< "$AZURE_FEDERATED_TOKEN_FILE")" --allow-no-subscriptions --only-show-errors --output none
      storage+=(--auth-mode login)
      ;;
    *) fail "unknown AUTH_MODE '$AUTH_MODE' (storageAccountKey or workloadIdentity)" ;;
  esac
}

# Prints the blob service's endpoint without a trailing slash: BLOB_ENDPOINT (an emulator, a
# sovereign cloud) or the account's public one.
blob_endpoint() {
  local endpoint=${BLOB_ENDPOINT:-https://${AZURE_STORAGE_ACCOUNT:?}.blob.core.windows.net}
  printf '%s\n' "${endpoint%/}"
}

# Prints user delegation SASes (workload identity, after storage_login) for two blobs of
# BLOB_CONTAINER, one a line: $2 with the permissions $3 and $4 with $5, both valid until $1;
# further arguments go to both az calls (--https-only). The two az processes run at once (each is
# about a second, mostly its own start). Their output reaches this shell through pipes, never a file
# or a log. Returns 1, naming the blob, unless both made a SAS.
delegation_sas_pair() {
  local expiry=$1 first=$2 first_permissions=$3 second=$4 second_permissions=$5 first_sas='' second_sas=''
  local first_fd second_fd first_pid second_pid made=0
  shift 5
  : "${BLOB_CONTAINER:?}"
  # Inside each process substitution the ERR trap is dropped: a failure is reported once, below.
  exec {first_fd}< <(
    trap - ERR
    az storage blob generate-sas "${storage[@]}" --container-name "$BLOB_CONTAINER" --name "$first" \
      --permissions "$first_permissions" --expiry "$expiry" --as-user "$@" --output tsv --only-show-errors
  )
  first_pid=$!
  exec {second_fd}< <(
    trap - ERR
    az storage blob generate-sas "${storage[@]}" --container-name "$BLOB_CONTAINER" --name "$second" \
      --permissions "$second_permissions" --expiry "$expiry" --as-user "$@" --output tsv --only-show-errors
  )
  second_pid=$!
  read -r -u "$first_fd" first_sas || true
  read -r -u "$second_fd" second_sas || true
  exec {first_fd}<&- {second_fd}<&-
  if ! wait "$first_pid" || [[ -z $first_sas ]]; then
    log "az made no SAS for $first"
    made=1
  fi
  if ! wait "$second_pid" || [[ -z $second_sas ]]; then
    log "az made no SAS for $second"
    made=1
  fi
  ((made == 0)) || return 1
  printf '%s\n%s\n' "$first_sas" "$second_sas"
}

# Prints a read-and-list SAS of the container $1 expiring at $2, https only when the endpoint $3
# is https (the emulator of the tests is plain http): signed here with the account key, or with
# workload identity a user delegation SAS from az (which signs in first).
container_read_sas() {
  local container=$1 expiry=$2 endpoint=$3 protocol='' https=()
  if [[ $endpoint == https://* ]]; then protocol=https https=(--https-only); fi
  case ${AUTH_MODE:?} in
    storageAccountKey) container_sas "${AZURE_STORAGE_ACCOUNT:?}" "$container" rl "$expiry" "$protocol" ;;
    workloadIdentity)
      prime_az
      storage_login
      az storage container generate-sas "${storage[@]}" --name "$container" --permissions rl --expiry "$expiry" \
        --as-user "${https[@]}" --output tsv --only-show-errors
      ;;
    *) fail "unknown AUTH_MODE '$AUTH_MODE' (storageAccountKey or workloadIdentity)" ;;
  esac
}
