# Functions that sign shared access signatures locally with the storage account key (azure-cli
# image): what `az storage blob generate-sas --account-key` computes, without starting az (about a
# second each). The key is read from the environment only, never from a command line.

# Prints a service SAS for the one blob $3 of container $2 in account $1 (Azure's "Create a service
# SAS": sr=b) with the permissions $4 (in Azure's order, e.g. rcw), valid until the expiry $5
# (e.g. 2026-01-01T00:00Z), https only if $6 is "https": the query string, as az writes it. The
# HMAC-SHA256 over the string to sign is keyed by the base64-decoded AZURE_STORAGE_KEY, which
# python3 reads from its environment (its arguments carry only the public fields). The signed
# version (sv) is az 2.45's, 2021-06-08, so the result is exactly what that az prints.
blob_sas() {
  local account=$1 container=$2 blob=$3 permissions=$4 expiry=$5 protocol=${6:-} out status=0
  [[ $account =~ ^[a-z0-9]+$ && -n $container && -n $blob && $permissions =~ ^[racwdxytmei]+$ &&
    $expiry =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+Z$ && $protocol =~ ^(https)?$ ]] || {
    log "blob_sas: bad arguments (account '$account', container '$container', blob '$blob', permissions '$permissions', expiry '$expiry', protocol '$protocol')"
    return 1
  }
  # -I: no PYTHON* variable or user site-packages changes what runs. Exit 3: no key; 4: not base64.
  # The blob name's bytes are signed as given (os.fsencode undoes python's decoding of its
  # arguments, whatever the locale); every value is percent-encoded, '/' too, as az does.
  out=$(python3 -I -c '
import base64, binascii, hashlib, hmac, os, sys
from urllib.parse import quote
account, container, blob, permissions, expiry, protocol = sys.argv[1:]
key = os.environ.get("AZURE_STORAGE_KEY", "")
if not key:
    sys.exit(3)
try:
    secret = base64.b64decode(key, validate=True)
except (binascii.Error, ValueError):
    sys.exit(4)
version = "2021-06-08"
resource = "/blob/" + account + "/" + container + "/" + blob
fields = [permissions, "", expiry, resource, "", "", protocol, version, "b", "", "", "", "", "", "", ""]
digest = hmac.new(secret, os.fsencode("\n".join(fields)), hashlib.sha256).digest()
query = [("se", expiry), ("sp", permissions)]
if protocol:
    query.append(("spr", protocol))
query += [("sv", version), ("sr", "b"), ("sig", base64.b64encode(digest).decode())]
print("&".join(name + "=" + quote(value, safe="") for name, value in query))
' "$account" "$container" "$blob" "$permissions" "$expiry" "$protocol") || status=$?
  case $status in
    0) printf '%s\n' "$out" ;;
    3) log "AZURE_STORAGE_KEY is empty: check the storage account key Secret" ;;
    4) log "AZURE_STORAGE_KEY is not base64: check the storage account key Secret" ;;
    *) log "python3 exited with status $status signing a SAS for $blob" ;;
  esac
  return "$((status == 0 ? 0 : 1))"
}
