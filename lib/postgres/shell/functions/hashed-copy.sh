# A copy of a stream that hashes and counts it on the way, in one process (azure-cli image: python3,
# az's own interpreter, hashing through its OpenSSL). Where tee would feed openssl and wc through
# two more pipes, each byte here is read once, in blocks of up to 1 MiB, and written once.

# Copies stdin to stdout and then writes "<bytes> <sha256 hex>" of what it copied to the file $1.
# Fails, writing nothing to $1, when the reader of stdout stops reading (status 3) or a read or
# write fails (4). Both pipes are enlarged to 1 MiB where the kernel allows it (pipe-max-size, the
# user's pipe quota; otherwise they keep their size), so that the reader's small reads (pg_restore
# reads 4 KiB at a time) rarely wait for this side.
hashed_copy() {
  local summary=$1 status=0
  python3 -I -c '
import fcntl, hashlib, os, stat, sys
F_SETPIPE_SZ = 1031
CHUNK = 1 << 20
for fd in (0, 1):
    try:
        if stat.S_ISFIFO(os.fstat(fd).st_mode):
            fcntl.fcntl(fd, F_SETPIPE_SZ, CHUNK)
    except OSError:
        pass
digest = hashlib.sha256()
size = 0
buffer = memoryview(bytearray(CHUNK))
incoming = open(0, "rb", buffering=0, closefd=False)
try:
    while True:
        got = incoming.readinto(buffer)
        if not got:
            break
        digest.update(buffer[:got])
        left = buffer[:got]
        while left:
            left = left[os.write(1, left):]
        size += got
except BrokenPipeError:
    sys.exit(3)
except OSError as error:
    print(error, file=sys.stderr)
    sys.exit(4)
try:
    os.close(1)
except BrokenPipeError:
    sys.exit(3)
try:
    with open(sys.argv[1], "w") as out:
        out.write("%d %s\n" % (size, digest.hexdigest()))
except OSError as error:
    print(error, file=sys.stderr)
    sys.exit(4)
' "$summary" || status=$?
  case $status in
    0) ;;
    3) log "the reader of the stream stopped reading it" ;;
    4) log "copying the stream failed (see above)" ;;
    *) log "python3 exited with status $status copying the stream" ;;
  esac
  return "$status"
}
