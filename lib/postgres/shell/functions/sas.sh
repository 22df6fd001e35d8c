# Functions that sign shared access signatures locally with the storage account key (azure-cli
# image): what `az storage blob generate-sas --account-key` computes, without starting az (about a
# second each). The key is read from the environment only, never from a command line.

# Prints a service SAS (Azure's "Create a service SAS") of account $2 for the resource $1: "b",
# the one blob $4 of container $3, or "c", the container $3 itself ($4 empty), with the
# permissions $5 (in Azure's order, e.g. rcw or rl), valid until the expiry $6 (e.g.
# 2026-01-01T00:00Z), https only if $7 is "https": the query string, its values URL-encoded. The
# HMAC-SHA256 over the string to sign is keyed by the base64-decoded AZURE_STORAGE_KEY, which
# python3 reads from its environment (its arguments carry only the public fields). The signed
# version (sv) is az 2.45's, 2021-06-08, so the parameters are exactly those that az prints.
service_sas() {
  local resource=$1 account=$2 container=$3 blob=$4 permissions=$5 expiry=$6 protocol=${7:-} out status=0
  [[ (($resource == b && -n $blob) || ($resource == c && -z $blob)) && $account =~ ^[a-z0-9]+$ && -n $container &&
    $permissions =~ ^[racwdxytmeil]+$ && $expiry =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+Z$ && $protocol =~ ^(https)?$ ]] || {
    log "service_sas: bad arguments (resource '$resource', account '$account', container '$container', blob '$blob', permissions '$permissions', expiry '$expiry', protocol '$protocol')"
    return 1
  }
  # Exit 3: no key; 4: not base64. The blob name's bytes are signed as given (os.fsencode undoes
  # python's decoding of its arguments, whatever the locale).
  out=$(python3 -I -c '
import base64, binascii, hashlib, hmac, os, sys
from urllib.parse import quote
resource, account, container, blob, permissions, expiry, protocol = sys.argv[1:]
key = os.environ.get("AZURE_STORAGE_KEY", "")
if not key:
    sys.exit(3)
try:
    secret = base64.b64decode(key, validate=True)
except (binascii.Error, ValueError):
    sys.exit(4)
version = "2021-06-08"
# The string to sign since version 2020-12-06: permissions, start, expiry, the canonical resource,
# identifier, IP range, protocol, version, resource type, snapshot time, encryption scope and five
# response header overrides; the empty fields are those this SAS leaves out.
canonical = "/blob/" + account + "/" + container + ("/" + blob if resource == "b" else "")
fields = [permissions, "", expiry, canonical, "", "", protocol, version, resource] + [""] * 7
digest = hmac.new(secret, os.fsencode("\n".join(fields)), hashlib.sha256).digest()
query = [("se", expiry), ("sp", permissions)]
if protocol:
    query.append(("spr", protocol))
query += [("sv", version), ("sr", resource), ("sig", base64.b64encode(digest).decode())]
print("&".join(name + "=" + quote(value, safe="") for name, value in query))
' "$resource" "$account" "$container" "$blob" "$permissions" "$expiry" "$protocol") || status=$?
  case $status in
    0) printf '%s\n' "$out" ;;
    3) log "AZURE_STORAGE_KEY is empty: check the storage account key Secret" ;;
    4) log "AZURE_STORAGE_KEY is not base64: check the storage account key Secret" ;;
    *) log "python3 exited with status $status signing a SAS for ${blob:-container $container}" ;;
  esac
  return "$((status == 0 ? 0 : 1))"
}

# A service SAS for the one blob $3 of container $2 in account $1 (see service_sas for $4 to $6).
blob_sas() {
  [[ -n ${3:-} ]] || {
    log "blob_sas: bad arguments (no blob name)"
    return 1
  }
  service_sas b "$1" "$2" "$3" "$4" "$5" "${6:-}"
}

# A service SAS for the container $2 in account $1 (see service_sas for $3 to $5).
container_sas() {
  service_sas c "$1" "$2" '' "$3" "$4" "${5:-}"
}
