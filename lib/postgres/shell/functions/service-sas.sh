# Functions that make a SAS without az (azure-cli image): an az process costs about a second of
# CPU to start, more than everything else the fetch does before the download.

# Prints a service SAS (its query string, the parameters az's generate-sas prints) for the signed resource
# $1 ("c": the container $2; "b": its blob $3) with permissions $4, expiring at $5
# (YYYY-MM-DDTHH:MMZ), https only if $6 is "https". Signed with the account key, which python3
# reads from AZURE_STORAGE_KEY itself: it is never on a command line.
service_sas() {
  [[ $1 == [bc] && -n $2 && ($1 == c || -n $3) && $4 =~ ^[racwdl]+$ && $5 =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}Z$ && ($6 == '' || $6 == https) ]] || {
    log "service_sas: bad arguments (resource '$1', container '$2', permissions '$4', expiry '$5', protocol '$6')"
    return 1
  }
  : "${AZURE_STORAGE_ACCOUNT:?}"
  python3 -c '
import base64, binascii, hashlib, hmac, os, sys, urllib.parse
resource, account, container, blob, permissions, expiry, protocol = sys.argv[1:8]
try:
    key = base64.b64decode(os.environ.get("AZURE_STORAGE_KEY", ""), validate=True)
except binascii.Error:
    sys.exit("AZURE_STORAGE_KEY is not base64: check the storage account key Secret")
if not key:
    sys.exit("AZURE_STORAGE_KEY is empty: check the storage account key Secret")
version = "2021-06-08"
resource_path = "/blob/" + account + "/" + container + ("/" + blob if resource == "b" else "")
# The string to sign of a service SAS since version 2020-12-06: permissions, start, expiry,
# resource, identifier, IP, protocol, version, resource type, snapshot time, encryption scope and
# five response header overrides; the empty fields are the ones this SAS leaves out.
fields = [permissions, "", expiry, resource_path, "", "", protocol, version, resource] + [""] * 7
signature = hmac.new(key, "\n".join(fields).encode("utf-8"), hashlib.sha256).digest()
quote = lambda value: urllib.parse.quote(value, safe="")
query = ["se=" + quote(expiry), "sp=" + permissions] + (["spr=https"] if protocol else [])
query += ["sv=" + version, "sr=" + resource, "sig=" + quote(base64.b64encode(signature).decode())]
print("&".join(query))
' "$1" "$AZURE_STORAGE_ACCOUNT" "$2" "$3" "$4" "$5" "$6"
}

# Prints a read-and-list SAS of the container $1 expiring at $2, https only when the endpoint $3
# is https (the emulator of the tests is plain http): signed here with the account key, or with
# workload identity a user delegation SAS from az (which signs in first).
container_read_sas() {
  local container=$1 expiry=$2 endpoint=$3 protocol='' https=()
  if [[ $endpoint == https://* ]]; then protocol=https https=(--https-only); fi
  case ${AUTH_MODE:?} in
    storageAccountKey) service_sas c "$container" '' rl "$expiry" "$protocol" ;;
    workloadIdentity)
      prime_az
      storage_login
      az storage container generate-sas "${storage[@]}" --name "$container" --permissions rl --expiry "$expiry" \
        --as-user "${https[@]}" --output tsv --only-show-errors
      ;;
    *) fail "unknown AUTH_MODE '$AUTH_MODE' (storageAccountKey or workloadIdentity)" ;;
  esac
}
