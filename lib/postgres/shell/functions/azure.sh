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
