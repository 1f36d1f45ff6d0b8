package dev.podnet.cloud.aws;

import java.util.Objects;
import java.util.Optional;

/** Where the adapter's AWS credentials come from. Secrets never appear in toString. */
public sealed interface CredentialSource {

    /** The SDK's default chain: environment, profile, web identity (IRSA), container and instance roles. */
    record DefaultChain() implements CredentialSource {
    }

    /** Fixed keys: for tests and the emulator, or keys a caller already has. */
    record StaticKeys(String accessKeyId, String secretAccessKey, Optional<String> sessionToken)
            implements CredentialSource {
        public StaticKeys {
            if (accessKeyId == null || accessKeyId.isBlank()) {
                throw new IllegalArgumentException("credentials: access key id is empty");
            }
            if (secretAccessKey == null || secretAccessKey.isEmpty()) {
                throw new IllegalArgumentException("credentials: secret access key is empty");
            }
            Objects.requireNonNull(sessionToken, "sessionToken");
        }

        @Override
        public String toString() {
            return "StaticKeys[accessKeyId=" + accessKeyId + ", secretAccessKey=***"
                    + sessionToken.map(t -> ", sessionToken=***").orElse("") + "]";
        }
    }

    static CredentialSource defaultChain() {
        return new DefaultChain();
    }

    static CredentialSource staticKeys(String accessKeyId, String secretAccessKey) {
        return new StaticKeys(accessKeyId, secretAccessKey, Optional.empty());
    }
}
