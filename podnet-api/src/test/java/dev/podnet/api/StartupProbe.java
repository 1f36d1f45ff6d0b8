package dev.podnet.api;

import java.io.IOException;
import java.util.List;

/**
 * What the plugin does on its fast path, for measuring JVM start-up from outside (not a test):
 * read a configuration on stdin, decode it for ADD, answer with a result in the configuration's version.
 * Run: {@code java -Xshare:auto -Xlog:class+load -cp <classes>:<jackson-core> dev.podnet.api.StartupProbe < conf.json}
 */
public final class StartupProbe {
    private StartupProbe() {
    }

    public static void main(String[] args) throws IOException {
        NetConf conf = NetConfDecoder.read(System.in, CniCommand.ADD);
        CniResult result = CniResult.ofIps(conf.cniVersion(),
                List.of(CniResult.IpConfig.of("10.22.1.20/16", "10.22.0.1"), CniResult.IpConfig.of("2001:db8:1::20/64", null)),
                conf.requireIpam("podnet-ipam").routes());
        System.out.write(PluginOutput.result(result, conf.cniVersion()));
        System.out.println();
        System.out.flush();
    }
}
