/*
 * The executable a container runtime runs as podnet's CNI plugin. A JVM costs tens of milliseconds before its first
 * line of code, so this static program does the hot path: it reads stdin, finds where the plugin runs warm, sends
 * the CNI environment and stdin there as one exec request, and prints the answer byte for byte.
 *
 *   ipam.agentSocket set   -> the node agent on that socket;
 *   ipam.ranges (embedded) -> a per-dataDir agent on <dataDir>/podnet-ipam.sock, started on first use (it exits
 *                             after an idle minute); the directory lock and the journal keep their guarantees.
 *
 * Whenever it cannot be sure (stdin it cannot read or parse, no agent, an agent that declines, VERSION excepted),
 * it execs the full Java plugin, <dir>/podnet.d/<own name>, with the same stdin: the output is the same either way,
 * because the agent runs the very same plugin code. Only JSON ever reaches stdout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_STDIN (1 << 20)               /* NetConfDecoder.MAX_STDIN_BYTES */
#define MAX_FORWARDED_STDIN (512 * 1024)  /* base64 adds a third; the agent's line limit is 1 MiB */
#define MAX_REPLY (4 << 20)
#define TIMEOUT_SECONDS 30                /* AgentBackend.TIMEOUT */
#define SPAWN_WAIT_MS 30000
#define DEFAULT_DATA_DIR "/var/lib/cni/networks"
#define EMBEDDED_SOCKET "podnet-ipam.sock"
#define MAX_DEPTH 256

static const char VERSION_RESULT[] =
    "{\"cniVersion\":\"1.1.0\",\"supportedVersions\":[\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}\n";
/* What Plugin reads from the environment (AgentExec.FORWARDED); nothing else is sent. */
static const char *const FORWARDED[] = {"CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME",
                                        "CNI_ARGS", "CNI_PATH", "PODNET_DEBUG"};

typedef struct {
    char *data;
    size_t len, cap;
} buf;

static void put(buf *b, const void *p, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d) abort();
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
}

static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }

/* ---- JSON: just enough to read three strings of a configuration and the agent's reply; never trusted further. */

typedef struct {
    const char *p, *end;
    int depth;
} json;

static void ws(json *j) {
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) j->p++;
}

static int lit(json *j, const char *word) {
    size_t n = strlen(word);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0) return -1;
    j->p += n;
    return 0;
}

static int hex4(const char *p) {
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= c - '0';
        else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
        else return -1;
    }
    return v;
}

static void utf8(buf *out, uint32_t c) {
    char s[4];
    size_t n;
    if (c < 0x80) { s[0] = (char)c; n = 1; }
    else if (c < 0x800) { s[0] = (char)(0xC0 | c >> 6); s[1] = (char)(0x80 | (c & 0x3F)); n = 2; }
    else if (c < 0x10000) { s[0] = (char)(0xE0 | c >> 12); s[1] = (char)(0x80 | (c >> 6 & 0x3F)); s[2] = (char)(0x80 | (c & 0x3F)); n = 3; }
    else { s[0] = (char)(0xF0 | c >> 18); s[1] = (char)(0x80 | (c >> 12 & 0x3F)); s[2] = (char)(0x80 | (c >> 6 & 0x3F)); s[3] = (char)(0x80 | (c & 0x3F)); n = 4; }
    if (out) put(out, s, n);
}

/* A string at j->p, unescaped into out (which may be NULL to skip it). */
static int string(json *j, buf *out) {
    if (j->p >= j->end || *j->p != '"') return -1;
    j->p++;
    while (j->p < j->end) {
        unsigned char c = (unsigned char)*j->p++;
        if (c == '"') return 0;
        if (c < 0x20) return -1;
        if (c != '\\') {
            if (out) put(out, &c, 1);
            continue;
        }
        if (j->p >= j->end) return -1;
        char e = *j->p++;
        const char *plain = strchr("\"\\/bfnrt", e);
        if (e && plain) {
            static const char to[] = "\"\\/\b\f\n\r\t";
            if (out) put(out, &to[plain - "\"\\/bfnrt"], 1);
            continue;
        }
        if (e != 'u' || j->end - j->p < 4) return -1;
        int u = hex4(j->p);
        if (u < 0) return -1;
        j->p += 4;
        uint32_t code = (uint32_t)u;
        if (u >= 0xD800 && u <= 0xDBFF && j->end - j->p >= 6 && j->p[0] == '\\' && j->p[1] == 'u') {
            int low = hex4(j->p + 2);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                code = 0x10000 + (((uint32_t)u - 0xD800) << 10) + ((uint32_t)low - 0xDC00);
                j->p += 6;
            }
        }
        utf8(out, code);
    }
    return -1;
}

static int value(json *j);

/* Calls member(key, j) for every member of the object at j->p; member must consume the value. */
static int object(json *j, int (*member)(const char *key, json *j, void *ctx), void *ctx) {
    if (j->p >= j->end || *j->p != '{' || ++j->depth > MAX_DEPTH) return -1;
    j->p++;
    ws(j);
    if (j->p < j->end && *j->p == '}') { j->p++; j->depth--; return 0; }
    buf key = {0};
    for (;;) {
        key.len = 0;
        put(&key, "", 0);
        ws(j);
        if (string(j, &key) < 0) goto fail;
        ws(j);
        if (j->p >= j->end || *j->p++ != ':') goto fail;
        ws(j);
        if ((member ? member(key.data, j, ctx) : value(j)) < 0) goto fail;
        ws(j);
        if (j->p >= j->end) goto fail;
        char c = *j->p++;
        if (c == '}') break;
        if (c != ',') goto fail;
    }
    free(key.data);
    j->depth--;
    return 0;
fail:
    free(key.data);
    return -1;
}

static int value(json *j) {
    ws(j);
    if (j->p >= j->end) return -1;
    switch (*j->p) {
    case '{': return object(j, NULL, NULL);
    case '"': return string(j, NULL);
    case 't': return lit(j, "true");
    case 'f': return lit(j, "false");
    case 'n': return lit(j, "null");
    case '[':
        if (++j->depth > MAX_DEPTH) return -1;
        j->p++;
        ws(j);
        if (j->p < j->end && *j->p == ']') { j->p++; j->depth--; return 0; }
        for (;;) {
            if (value(j) < 0) return -1;
            ws(j);
            if (j->p >= j->end) return -1;
            char c = *j->p++;
            if (c == ']') { j->depth--; return 0; }
            if (c != ',') return -1;
        }
    default: {
        const char *start = j->p;
        while (j->p < j->end && strchr("+-0123456789.eE", *j->p)) j->p++;
        return j->p > start ? 0 : -1;
    }
    }
}

/* A string member, or null (which unsets it); the last one wins, as in NetConfDecoder. */
static int string_or_null(json *j, buf *out, int *set) {
    if (j->p < j->end && *j->p == 'n') {
        *set = 0;
        return lit(j, "null");
    }
    out->len = 0;
    put(out, "", 0);
    *set = 1;
    return string(j, out);
}

typedef struct {
    buf name, agent_socket, data_dir;
    int has_name, has_ipam, has_socket, has_data_dir, has_ranges;
} netconf;

static int ipam_member(const char *key, json *j, void *ctx) {
    netconf *c = ctx;
    if (strcmp(key, "agentSocket") == 0) return string_or_null(j, &c->agent_socket, &c->has_socket);
    if (strcmp(key, "dataDir") == 0) return string_or_null(j, &c->data_dir, &c->has_data_dir);
    if (strcmp(key, "ranges") == 0) c->has_ranges = j->p < j->end && *j->p == '[';
    return value(j);
}

static int conf_member(const char *key, json *j, void *ctx) {
    netconf *c = ctx;
    if (strcmp(key, "name") == 0) return string_or_null(j, &c->name, &c->has_name);
    if (strcmp(key, "ipam") == 0) {
        c->has_ipam = c->has_socket = c->has_data_dir = c->has_ranges = 0;
        if (j->p >= j->end || *j->p != '{') return value(j);
        c->has_ipam = 1;
        return object(j, ipam_member, c);
    }
    return value(j);
}

static int parse_conf(const char *data, size_t len, netconf *c) {
    json j = {data, data + len, 0};
    ws(&j);
    if (object(&j, conf_member, c) < 0) return -1;
    ws(&j);
    return j.p == j.end ? 0 : -1;
}

/* ---- base64, the standard alphabet with padding (Jackson's default for binary values) */

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void b64_encode(buf *out, const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
        char q[4] = {B64[v >> 18 & 63], B64[v >> 12 & 63], i + 1 < n ? B64[v >> 6 & 63] : '=', i + 2 < n ? B64[v & 63] : '='};
        put(out, q, 4);
    }
}

static int b64_decode(buf *out, const char *s, size_t n) {
    uint32_t v = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '=') break;
        const char *at = memchr(B64, s[i], 64);
        if (!at) return -1;
        v = v << 6 | (uint32_t)(at - B64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            char c = (char)(v >> bits & 0xFF);
            put(out, &c, 1);
        }
    }
    return 0;
}

static void json_string(buf *out, const char *s) {
    put(out, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            put(out, "\\", 1);
            put(out, p, 1);
        } else if (*p < 0x20) {
            char e[7];
            snprintf(e, sizeof e, "\\u%04x", *p);
            puts_(out, e);
        } else {
            put(out, p, 1);
        }
    }
    put(out, "\"", 1);
}

/* ---- the agent's reply: {"ok":true,"exec":{"exit":N,"stdout":"b64","stderr":"b64"}} */

typedef struct {
    int ok, has_exec, exit;
    buf out, err;
} reply;

static int exec_member(const char *key, json *j, void *ctx) {
    reply *r = ctx;
    if (strcmp(key, "exit") == 0) {
        char *end;
        long v = strtol(j->p, &end, 10);
        if (end == j->p || end > j->end || v < 0 || v > 255) return -1;
        j->p = end;
        r->exit = (int)v;
        r->has_exec = 1;
        return 0;
    }
    buf *to = strcmp(key, "stdout") == 0 ? &r->out : strcmp(key, "stderr") == 0 ? &r->err : NULL;
    if (!to) return value(j);
    buf text = {0};
    int rc = string(j, &text) < 0 || b64_decode(to, text.data ? text.data : "", text.len) < 0 ? -1 : 0;
    free(text.data);
    return rc;
}

static int reply_member(const char *key, json *j, void *ctx) {
    reply *r = ctx;
    if (strcmp(key, "ok") == 0) {
        r->ok = lit(j, "true") == 0;
        return r->ok ? 0 : lit(j, "false");
    }
    if (strcmp(key, "exec") == 0 && j->p < j->end && *j->p == '{') return object(j, exec_member, r);
    return value(j);
}

/* ---- sockets */

static long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

/* A connected socket, or -1 with errno set (ENAMETOOLONG for a path a unix socket cannot hold). */
static int dial(const char *path) {
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof a.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(a.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct timeval t = {.tv_sec = TIMEOUT_SECONDS};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &t, sizeof t);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &t, sizeof t);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

enum { ANSWERED, NOT_SENT, LOST, DECLINED };

/* Why a sent request got no whole reply, in the words of the Java plugin's AgentClient. */
static const char *lost_reason = "the agent closed the connection without answering";

/* Sends the request and reads one reply line. NOT_SENT: nobody listens; LOST: sent, but no whole reply came back. */
static int ask(const char *socket_path, const buf *request, reply *r) {
    int fd = dial(socket_path);
    if (fd < 0) return NOT_SENT;
    buf line = {0};
    char chunk[65536];
    ssize_t n = write_all(fd, request->data, request->len);
    while (n == 0) {
        n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) n = 0;
        else if (n > 0 && line.len + (size_t)n <= MAX_REPLY) {
            put(&line, chunk, (size_t)n);
            n = memchr(chunk, '\n', (size_t)n) ? 1 : 0;
        } else break;
    }
    if (n < 0) lost_reason = errno == EAGAIN ? "the agent did not answer within 30 s" : strerror(errno);
    close(fd);
    char *nl = line.data ? memchr(line.data, '\n', line.len) : NULL;
    if (!nl) {
        free(line.data);
        return LOST;
    }
    json j = {line.data, nl, 0};
    int parsed = object(&j, reply_member, r);
    free(line.data);
    return parsed == 0 && r->ok && r->has_exec ? ANSWERED : DECLINED;
}

/* ---- the full Java plugin and the embedded agent, both under <dir of this executable>/podnet.d/ */

static char self_dir[PATH_MAX], self_name[NAME_MAX + 1];

static void find_self(const char *argv0) {
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        snprintf(exe, sizeof exe, "%s", argv0);
        n = (ssize_t)strlen(exe);
    }
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    snprintf(self_name, sizeof self_name, "%s", slash ? slash + 1 : exe);
    if (slash) *slash = 0;
    snprintf(self_dir, sizeof self_dir, "%s", slash ? exe : ".");
}

static void fail(const char *msg, const char *details) {
    buf out = {0};
    puts_(&out, "{\"cniVersion\":\"1.1.0\",\"code\":999,\"msg\":");
    json_string(&out, msg);
    puts_(&out, ",\"details\":");
    json_string(&out, details);
    puts_(&out, "}\n");
    write_all(1, out.data, out.len);
    exit(1);
}

/* Replaces this process by the Java plugin, reading the same stdin bytes from a memory file. */
static void fallback(char **argv, const buf *stdin_bytes, const char *lost) {
    char path[PATH_MAX + NAME_MAX + 16];
    snprintf(path, sizeof path, "%s/podnet.d/%s", self_dir, self_name);
    int fd = memfd_create("podnet-stdin", 0);
    if (fd < 0 || write_all(fd, stdin_bytes->data ? stdin_bytes->data : "", stdin_bytes->len) < 0
        || lseek(fd, 0, SEEK_SET) < 0 || dup2(fd, 0) < 0) {
        fail("internal error in podnet", strerror(errno));
    }
    if (fd != 0) close(fd);
    if (lost) setenv("PODNET_AGENT_LOST", lost, 1);
    execv(path, argv);
    fail("podnet's Java plugin cannot be run; reinstall with podnet install-cni", path);
}

static int mkdirs(const char *dir) {
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s", dir);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = 0;
        if (mkdir(p, 0755) < 0 && errno != EEXIST) return -1;
        *s = '/';
    }
    return mkdir(p, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/*
 * Starts the embedded agent for data_dir unless one answers, and waits until it does. One plugin at a time starts
 * it (a lock file beside the socket); the agent runs detached, in its own session, with no pipe of the runtime's.
 */
static int start_embedded(const char *data_dir, const char *socket_path) {
    if (mkdirs(data_dir) < 0) return -1;
    char lock[PATH_MAX], log[PATH_MAX], agent[PATH_MAX + 32];
    snprintf(lock, sizeof lock, "%s/podnet-ipam.start.lock", data_dir);
    snprintf(log, sizeof log, "%s/podnet-ipam-agent.log", data_dir);
    snprintf(agent, sizeof agent, "%s/podnet.d/embedded-agent", self_dir);
    int lk = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lk < 0 || flock(lk, LOCK_EX) < 0) return -1;
    int fd = dial(socket_path);
    if (fd >= 0) {
        close(fd);
        close(lk);
        return 0;
    }
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        setsid();
        int in = open("/dev/null", O_RDONLY), out = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) _exit(127);
        execl(agent, agent, data_dir, (char *)NULL);
        _exit(127);
    }
    int rc = -1;
    for (long deadline = now_ms() + SPAWN_WAIT_MS; now_ms() < deadline;) {
        if ((fd = dial(socket_path)) >= 0) {
            close(fd);
            rc = 0;
            break;
        }
        if (waitpid(pid, NULL, WNOHANG) == pid) break; /* it stopped: another agent serves, or it could not start */
        poll(NULL, 0, 5);
    }
    if (rc < 0 && (fd = dial(socket_path)) >= 0) {
        close(fd);
        rc = 0;
    }
    close(lk);
    return rc;
}

static void read_stdin(buf *in) {
    char chunk[65536];
    for (;;) {
        ssize_t n = read(0, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        put(in, chunk, (size_t)n);
        if (in->len > MAX_STDIN) return;
    }
}

int main(int argc, char **argv) {
    (void)argc;
    signal(SIGPIPE, SIG_IGN);
    find_self(argv[0]);
    const char *command = getenv("CNI_COMMAND");
    if (command && strcmp(command, "VERSION") == 0) {
        return write_all(1, VERSION_RESULT, sizeof VERSION_RESULT - 1) == 0 ? 0 : 1;
    }
    buf in = {0};
    read_stdin(&in);
    netconf conf = {0};
    if (in.len > MAX_FORWARDED_STDIN || parse_conf(in.data ? in.data : "", in.len, &conf) < 0
        || !conf.has_ipam || (!conf.has_socket && (!conf.has_name || !conf.has_ranges))) {
        fallback(argv, &in, NULL); /* the full plugin says what is wrong, exactly as always */
    }
    char socket_path[PATH_MAX];
    int embedded = !conf.has_socket;
    const char *data_dir = conf.has_data_dir ? conf.data_dir.data : DEFAULT_DATA_DIR;
    if (embedded && (data_dir[0] != '/' || strlen(data_dir) > PATH_MAX - 64)) {
        fallback(argv, &in, NULL);
    }
    snprintf(socket_path, sizeof socket_path, "%s", embedded ? data_dir : conf.agent_socket.data);
    if (embedded) strcat(socket_path, "/" EMBEDDED_SOCKET);
    if (socket_path[0] != '/') fallback(argv, &in, NULL);

    buf request = {0};
    puts_(&request, "{\"op\":\"exec\",\"agentSocket\":");
    json_string(&request, socket_path);
    puts_(&request, ",\"env\":{");
    int first = 1;
    for (size_t i = 0; i < sizeof FORWARDED / sizeof *FORWARDED; i++) {
        const char *v = getenv(FORWARDED[i]);
        if (!v) continue;
        if (!first) put(&request, ",", 1);
        first = 0;
        json_string(&request, FORWARDED[i]);
        put(&request, ":", 1);
        json_string(&request, v);
    }
    puts_(&request, "},\"stdin\":\"");
    b64_encode(&request, (const unsigned char *)in.data, in.len);
    puts_(&request, "\"}\n");

    reply r = {0};
    int outcome = ask(socket_path, &request, &r);
    /* An embedded agent that just went idle closes without answering: a new one is started once, as on first use. */
    for (int tries = 0; embedded && (outcome == NOT_SENT || (outcome == LOST && tries == 0)) && tries < 2; tries++) {
        if (start_embedded(data_dir, socket_path) < 0) break;
        memset(&r, 0, sizeof r);
        outcome = ask(socket_path, &request, &r);
    }
    if (outcome == ANSWERED) {
        if (r.out.len) write_all(1, r.out.data, r.out.len);
        if (r.err.len) write_all(2, r.err.data, r.err.len);
        return r.exit;
    }
    fallback(argv, &in, outcome == LOST ? lost_reason : NULL);
    return 1;
}
