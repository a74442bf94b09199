/**
 * Source of the spawn helper, a Perl program that starts step processes for
 * this Node.js process (see spawn-helper.ts). It uses only modules of Debian's
 * perl-base (POSIX, Fcntl, Errno), which macOS's perl has too.
 *
 * Frames in both directions are a type byte, a 32-bit id and a 32-bit payload
 * length (big-endian), then the payload.
 *
 * Requests on standard input:
 * - `S`: start process `id`. The payload is NUL-separated fields: the working
 *   folder, the number of environment entries, the `NAME=VALUE` entries, then the
 *   file to run and its arguments (argv[0] first).
 * - `C`: close the output pipes of process `id`, which has exited.
 *
 * Replies on standard output:
 * - `R` once, when the helper is ready (id 0).
 * - `P`: process `id` runs; the payload is its pid (32 bits).
 * - `F`: process `id` did not start; the payload is the errno (32 bits) and the
 *   failed call, `chdir` or `exec`.
 * - `O` and `E`: output of process `id` on its stdout or stderr.
 * - `X`: process `id` exited; the payload is its wait status (32 bits).
 * - `D`: both output pipes of process `id` are closed. It follows every `O` and `E` of that process.
 *
 * Each process gets its own session and process group (setsid), standard input
 * from /dev/null, and default signal handling. The helper ignores SIGINT, because
 * Ctrl-C in a terminal reaches the whole process group of the CLI, and the CLI
 * itself decides what to stop. The helper exits when its standard input closes.
 */
export const SPAWN_HELPER_PROGRAM = String.raw`
use strict;
use warnings;
use Errno ();
use Fcntl ();
use POSIX ();

$SIG{INT} = 'IGNORE';
binmode STDIN;
binmode STDOUT;

# Wakes select() when a child exits: the SIGCHLD handler writes a byte here.
pipe(my $wake_read, my $wake_write) or die "pipe: $!";
my $flags = fcntl($wake_write, Fcntl::F_GETFL(), 0);
fcntl($wake_write, Fcntl::F_SETFL(), $flags | Fcntl::O_NONBLOCK());
$SIG{CHLD} = sub { syswrite($wake_write, 'x') };

my %processes;  # id => { pid, open (pipes still open), exited }
my %id_of_pid;
my %pipes;      # file number => [id, 0 for stdout or 1 for stderr, handle]
my $requests = '';

sub send_frame {
    my ($type, $id, $payload) = @_;
    my $data = pack('a1 N N', $type, $id, length $payload) . $payload;
    my $offset = 0;
    while ($offset < length $data) {
        my $written = syswrite(STDOUT, $data, length($data) - $offset, $offset);
        if (!defined $written) {
            next if $!{EINTR};
            exit 0;    # The CLI is gone.
        }
        $offset += $written;
    }
}

sub finish_if_done {
    my ($id) = @_;
    my $process = $processes{$id};
    return unless $process && $process->{exited} && $process->{open} == 0;
    delete $processes{$id};
    send_frame('D', $id, '');
}

sub close_pipe {
    my ($fd) = @_;
    my $pipe = delete $pipes{$fd} or return;
    my ($id, undef, $handle) = @$pipe;
    close $handle;
    $processes{$id}{open} -= 1;
    finish_if_done($id);
}

sub read_pipe {
    my ($fd) = @_;
    my ($id, $stream, $handle) = @{ $pipes{$fd} };
    my $count = sysread($handle, my $buffer, 65536);
    if (!defined $count) {
        return if $!{EINTR} || $!{EAGAIN};
        $count = 0;
    }
    if ($count > 0) {
        send_frame($stream ? 'E' : 'O', $id, $buffer);
        return;
    }
    close_pipe($fd);
}

sub reap {
    while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) {
        my $id = delete $id_of_pid{$pid};
        next unless defined $id;
        send_frame('X', $id, pack('N', $? & 0xffffffff));
        $processes{$id}{exited} = 1;
        finish_if_done($id);
    }
}

# Runs in the child after fork: reports errno and the failed call to the helper, then exits.
sub child_failed {
    my ($status_write, $call) = @_;
    my $errno = $! + 0;
    syswrite($status_write, pack('N', $errno) . $call);
    POSIX::_exit(127);
}

sub start {
    my ($id, $payload) = @_;
    my @fields = split /\0/, $payload, -1;
    my $cwd = shift @fields;
    my $env_count = shift @fields;
    my @env = splice(@fields, 0, $env_count);
    my @argv = @fields;

    # Perl marks descriptors above 2 close-on-exec, so the child keeps only 0, 1 and 2,
    # and the status pipe reads end-of-file once exec succeeds.
    my ($out_read, $out_write, $err_read, $err_write, $status_read, $status_write);
    if (!pipe($out_read, $out_write) || !pipe($err_read, $err_write) || !pipe($status_read, $status_write)) {
        send_frame('F', $id, pack('N', $! + 0) . 'pipe');
        return;
    }
    my $pid = fork();
    if (!defined $pid) {
        send_frame('F', $id, pack('N', $! + 0) . 'fork');
        return;
    }
    if ($pid == 0) {
        $SIG{$_} = 'DEFAULT' for qw(INT CHLD PIPE TERM HUP QUIT USR1 USR2 ALRM);
        POSIX::setsid();
        open(STDIN, '<', '/dev/null') or child_failed($status_write, 'open');
        POSIX::dup2(fileno($out_write), 1) or child_failed($status_write, 'dup2');
        POSIX::dup2(fileno($err_write), 2) or child_failed($status_write, 'dup2');
        chdir($cwd) or child_failed($status_write, 'chdir');
        %ENV = ();
        for my $entry (@env) {
            my ($name, $value) = split /=/, $entry, 2;
            $ENV{$name} = $value;
        }
        { no warnings 'exec'; exec { $argv[0] } @argv; }
        child_failed($status_write, 'exec');
    }
    close $out_write;
    close $err_write;
    close $status_write;
    my $status = '';
    while (1) {
        my $count = sysread($status_read, $status, 64, length $status);
        next if !defined $count && $!{EINTR};
        last if !$count;
    }
    close $status_read;
    if (length $status >= 4) {
        waitpid($pid, 0);
        close $out_read;
        close $err_read;
        send_frame('F', $id, $status);
        return;
    }
    $processes{$id} = { pid => $pid, open => 2, exited => 0 };
    $id_of_pid{$pid} = $id;
    $pipes{ fileno($out_read) } = [$id, 0, $out_read];
    $pipes{ fileno($err_read) } = [$id, 1, $err_read];
    send_frame('P', $id, pack('N', $pid));
}

sub read_requests {
    my $count = sysread(STDIN, $requests, 65536, length $requests);
    if (!defined $count) {
        return if $!{EINTR} || $!{EAGAIN};
        $count = 0;
    }
    exit 0 if $count == 0;    # The CLI closed the pipe or exited.
    while (length $requests >= 9) {
        my ($type, $id, $length) = unpack('a1 N N', $requests);
        last if length $requests < 9 + $length;
        my $payload = substr($requests, 9, $length);
        substr($requests, 0, 9 + $length, '');
        if ($type eq 'S') {
            start($id, $payload);
        } elsif ($type eq 'C') {
            for my $fd (grep { $pipes{$_}[0] == $id } keys %pipes) { close_pipe($fd); }
        }
    }
}

send_frame('R', 0, '');
while (1) {
    my $wanted = '';
    vec($wanted, fileno(STDIN), 1) = 1;
    vec($wanted, fileno($wake_read), 1) = 1;
    vec($wanted, $_, 1) = 1 for keys %pipes;
    my $ready = select(my $readable = $wanted, undef, undef, undef);
    if ($ready < 0) {
        next if $!{EINTR};
        die "select: $!";
    }
    sysread($wake_read, my $ignored, 4096) if vec($readable, fileno($wake_read), 1);
    reap();
    for my $fd (keys %pipes) {
        read_pipe($fd) if exists $pipes{$fd} && vec($readable, $fd, 1);
    }
    read_requests() if vec($readable, fileno(STDIN), 1);
}
`;
