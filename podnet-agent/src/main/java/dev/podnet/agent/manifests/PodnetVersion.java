package dev.podnet.agent.manifests;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The Maven version this podnet was built as (podnet.properties, filtered by the build). */
final class PodnetVersion {
    private PodnetVersion() {
    }

    static String get() {
        try (InputStream in = PodnetVersion.class.getResourceAsStream("podnet.properties")) {
            if (in == null) {
                throw new IllegalStateException("podnet's build has no podnet.properties; run podnet through bin/podnet");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
