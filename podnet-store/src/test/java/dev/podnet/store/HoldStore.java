package dev.podnet.store;

import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;

/** Opens a store in another process and keeps it open until its standard input closes: the lock test's other side. */
public final class HoldStore {

    private HoldStore() {
    }

    public static void main(String[] args) throws IOException {
        try (EmbeddedStore store = EmbeddedStore.open(Path.of(args[0]), InstantSource.system())) {
            System.out.println("open at revision " + store.range("/").revision());
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the lock until the test closes our input
            }
        }
    }
}
