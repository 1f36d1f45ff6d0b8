package dev.podnet.api;

/**
 * The CNI_COMMAND values, with what each needs from the environment (SPEC.md 1.1.0, "CNI operations") and the spec
 * version that introduced it. CNI_ARGS is optional everywhere; CNI_PATH is required only by GC.
 */
public enum CniCommand {
    ADD(true, true, true, false, CniVersion.V0_3_0),
    /** CNI_NETNS is optional for DEL: the namespace may already be gone, and DEL must still release addresses. */
    DEL(true, false, true, false, CniVersion.V0_3_0),
    CHECK(true, true, true, false, CniVersion.V0_4_0),
    /** VERSION reads no configuration: the plugin answers with every version it supports. */
    VERSION(false, false, false, false, CniVersion.V0_3_0),
    STATUS(false, false, false, false, CniVersion.V1_1_0),
    GC(false, false, false, true, CniVersion.V1_1_0);

    private final boolean needsContainerId;
    private final boolean needsNetns;
    private final boolean needsIfName;
    private final boolean needsPath;
    private final String introducedIn;

    CniCommand(boolean needsContainerId, boolean needsNetns, boolean needsIfName, boolean needsPath, String introducedIn) {
        this.needsContainerId = needsContainerId;
        this.needsNetns = needsNetns;
        this.needsIfName = needsIfName;
        this.needsPath = needsPath;
        this.introducedIn = introducedIn;
    }

    /** Parses CNI_COMMAND exactly as the spec spells it (upper case); anything else is code 4. */
    public static CniCommand parse(String text) {
        if (text != null) {
            for (CniCommand command : values()) {
                if (command.name().equals(text)) {
                    return command;
                }
            }
        }
        throw new CniException(CniException.INVALID_ENVIRONMENT, "unknown CNI_COMMAND: " + text,
                "CNI_COMMAND must be one of ADD, DEL, CHECK, VERSION, STATUS, GC");
    }

    public boolean needsContainerId() {
        return needsContainerId;
    }

    public boolean needsNetns() {
        return needsNetns;
    }

    public boolean needsIfName() {
        return needsIfName;
    }

    public boolean needsPath() {
        return needsPath;
    }

    /** The first spec version in which a runtime may send this command. */
    public String introducedIn() {
        return introducedIn;
    }

    /**
     * Refuses a configuration whose version is unsupported or older than this command, with code 1, as libcni's
     * skeleton does ("config version does not allow CHECK"): a 0.3.1 network never expects CHECK semantics.
     */
    public void requireAllowedBy(String configVersion) {
        CniVersion.requireSupported(configVersion);
        if (!CniVersion.atLeast(configVersion, introducedIn)) {
            throw new CniException(CniException.INCOMPATIBLE_VERSION, "config version does not allow " + name(),
                    name() + " needs cniVersion " + introducedIn + " or later, the configuration has " + configVersion);
        }
    }
}
