package dev.podnet.planner.artifacts;

import dev.podnet.planner.model.ClusterPlan;
import dev.podnet.planner.report.Artifact;
import java.util.List;

/**
 * Node user data for a private cluster: systemd drop-ins give containerd and the kubelet the proxy, as AWS's guidance
 * for EKS nodes behind a proxy does.
 */
final class NodeUserData {
    static final String PATH = "node-user-data.sh";
    private static final List<String> UNITS = List.of("containerd", "kubelet");

    private NodeUserData() {
    }

    static Artifact artifact(PlanView in) {
        ClusterPlan.Proxy proxy = in.plan().proxy().orElseThrow();
        String dropIn = "[Service]\n"
                + environment("HTTP_PROXY", proxy.url())
                + environment("HTTPS_PROXY", proxy.url())
                + environment("NO_PROXY", NoProxyList.of(in.plan()).joined());
        ShellScript script = new ShellScript(in.origin() + "\n"
                + "Node user data: runs before the EKS bootstrap, so containerd and the kubelet start with the proxy.\n"
                + "Use it as (or prepend it to) the user data of the node groups' launch template.");
        for (String unit : UNITS) {
            String dir = "/etc/systemd/system/" + unit + ".service.d";
            // the quoted heredoc delimiter keeps bash from expanding anything in the drop-in
            script.step(unit + " reads the proxy from this drop-in.",
                    "mkdir -p " + dir,
                    "cat > " + dir + "/http-proxy.conf <<'EOF'\n" + dropIn + "EOF");
        }
        script.step("Load the drop-ins. containerd already runs on some AMIs: try-restart restarts it only then.",
                "systemctl daemon-reload",
                "systemctl try-restart containerd.service");
        return new Artifact(PATH, "node user data: proxy drop-ins for containerd and the kubelet", script.render());
    }

    /** A systemd Environment= line: the value double-quoted, with the characters systemd treats specially escaped. */
    private static String environment(String name, String value) {
        if (value.contains("\n")) {
            // a line break would end the heredoc's line and let the rest of the value run as systemd config
            throw new IllegalStateException(name + " must be a single line, got " + value.replace("\n", "\\n"));
        }
        String escaped = (name + "=" + value).replace("\\", "\\\\").replace("\"", "\\\"").replace("%", "%%");
        return "Environment=\"" + escaped + "\"\n";
    }
}
