package dev.podnet.lab;

import dev.podnet.linux.Exec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Pod-to-pod reachability: {@code ping} from each pod's namespace to every address (IPv4 and IPv6) of every other
 * pod, one reply within {@link #DEADLINE_SECONDS} each. The pings run in parallel, since a failing one costs its
 * whole deadline.
 *
 * @param ok ok.get(from).get(to): every address of {@code to} answered {@code from}; the diagonal is true
 */
public record PingMatrix(List<String> pods, List<List<Boolean>> ok) {
    /**
     * Long enough for a first packet that waits on neighbour discovery (a new IPv6 link's duplicate address
     * detection lasts a second), short enough that a missing route shows at once.
     */
    static final int DEADLINE_SECONDS = 3;

    public static PingMatrix measure(LabStatus status, Exec exec) throws InterruptedException {
        List<LabStatus.Pod> pods = status.pods();
        List<List<Boolean>> ok = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<List<Future<Boolean>>> futures = new ArrayList<>();
            for (LabStatus.Pod from : pods) {
                List<Future<Boolean>> row = new ArrayList<>();
                for (LabStatus.Pod to : pods) {
                    row.add(pool.submit(() -> from == to || to.ips().stream().allMatch(ip -> pings(exec, from, ip))));
                }
                futures.add(row);
            }
            for (List<Future<Boolean>> row : futures) {
                List<Boolean> values = new ArrayList<>();
                for (Future<Boolean> f : row) {
                    try {
                        values.add(f.get());
                    } catch (ExecutionException e) {
                        values.add(false);
                    }
                }
                ok.add(values);
            }
        }
        return new PingMatrix(pods.stream().map(LabStatus.Pod::name).toList(), ok);
    }

    static boolean pings(Exec exec, LabStatus.Pod from, String address) {
        return exec.run(List.of("ip", "netns", "exec", from.netns(), "ping", "-n", "-q", "-c1",
                "-w" + DEADLINE_SECONDS, address), "").ok();
    }

    public boolean allOk() {
        return ok.stream().allMatch(row -> row.stream().allMatch(b -> b));
    }

    /** Rows ping columns: {@code ok}, {@code --} for no reply, {@code .} for the pod itself. */
    public String render() {
        int width = pods.stream().mapToInt(String::length).max().orElse(0);
        StringBuilder out = new StringBuilder(" ".repeat(width));
        for (int c = 0; c < pods.size(); c++) {
            out.append("  ").append(column(c));
        }
        out.append('\n');
        for (int r = 0; r < pods.size(); r++) {
            out.append(pods.get(r)).append(" ".repeat(width - pods.get(r).length()));
            for (int c = 0; c < pods.size(); c++) {
                String cell = r == c ? "." : ok.get(r).get(c) ? "ok" : "--";
                out.append("  ").append(cell).append(" ".repeat(column(c).length() - cell.length()));
            }
            out.append('\n');
        }
        for (int c = 0; c < pods.size(); c++) {
            out.append(column(c)).append(" = ").append(pods.get(c)).append('\n');
        }
        return out.toString();
    }

    /** Short column heads (p1, p2, ...), named under the table: pod names are too wide to be columns. */
    private static String column(int c) {
        return "p" + (c + 1);
    }
}
