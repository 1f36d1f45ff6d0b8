package dev.podnet.bench;

/** The floor of a Java plugin: a main that does nothing, started with the plugin's JVM flags. */
public final class Hello {
    private Hello() {
    }

    public static void main(String[] args) {
        // Nothing: what is measured is the JVM's start and exit.
    }
}
