package dev.podnet.cli;

import java.io.IOException;
import java.nio.file.Path;

/** Lets the namespace tests (another package) install the podnet-ipam plugin exactly as {@code podnet install-cni} does. */
public final class CniInstallerAccess {
    private CniInstallerAccess() {
    }

    /** @return the installed launcher, {@code DIR/podnet-ipam} */
    public static Path install(Path dir, boolean aotCache) throws IOException, InterruptedException {
        return CniInstaller.install(dir, aotCache).launcher();
    }
}
