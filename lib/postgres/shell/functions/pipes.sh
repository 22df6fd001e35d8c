# Pipes between the processes of one container, enlarged (postgres image: perl, which Debian's
# perl-base ships in every image built on it).

# Enlarges the pipe behind each file descriptor given to 1 MiB, the most a process without
# CAP_SYS_RESOURCE may ask for (fs.pipe-max-size). A reader that is not scheduled for a moment then
# holds up its writer only once 1 MiB is waiting instead of 64 KiB: with several readers of one
# stream on two busy cores, that is what keeps pg_dump from waiting for the slowest. Only ever
# faster: without perl, or where the kernel refuses (the user's pipe quota), the pipes keep their
# size and nothing fails.
enlarge_pipes() {
  command -v perl > /dev/null || return 0
  perl -e '
while (defined(my $fd = shift)) {
  my $handle;
  (open($handle, "<&=", $fd) || open($handle, ">&=", $fd)) && fcntl($handle, 1031, 1 << 20);
}' -- "$@" 2> /dev/null || true
}
