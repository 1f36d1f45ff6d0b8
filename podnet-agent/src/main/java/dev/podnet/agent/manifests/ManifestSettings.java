package dev.podnet.agent.manifests;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What varies between installs: the image, and what a plan adds (the agent's VPC CNI variables, ENIConfigs, the
 * proxy ConfigMap the agent loads).
 *
 * @param origin         one line for the comment at the top of the output: where the settings came from
 * @param env            the agent container's extra variables, in order (name to value)
 * @param proxyConfigMap a ConfigMap in kube-system the agent container loads whole (envFrom), e.g. HTTPS_PROXY
 * @param objects        further objects to apply before the DaemonSet (ENIConfigs, the proxy ConfigMap), as maps
 */
public record ManifestSettings(String image, String origin, Map<String, String> env, Optional<String> proxyConfigMap,
                               List<Map<String, Object>> objects) {
    public ManifestSettings {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(origin, "origin");
        if (image.isBlank() || image.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("--image \"" + image + "\" is not an image reference");
        }
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        objects = List.copyOf(objects);
    }

    /** podnet's own image of this build, as {@code bin/podnet-image} names it. */
    public static String defaultImage() {
        return "podnet.dev/podnet:" + PodnetVersion.get();
    }

    /** {@code --cloud aws} with the VPC CNI's defaults (WARM_ENI_TARGET=1, secondary IPs): nothing to add. */
    public static ManifestSettings defaults(String image) {
        return new ManifestSettings(image, "VPC CNI defaults (no --from-plan)", Map.of(), Optional.empty(), List.of());
    }
}
