package dev.podnet.cloud.sim;

import java.util.HexFormat;
import java.util.Random;
import java.util.function.Predicate;

/** EC2-shaped identifiers drawn from the emulator's seeded Random, so a run with the same seed repeats them. */
final class Ids {
    private static final String HEX = "0123456789abcdef";

    private final Random random;

    Ids(Random random) {
        this.random = random;
    }

    /** {@code prefix} + 17 hex digits, not yet used. */
    String next(String prefix, Predicate<String> used) {
        while (true) {
            StringBuilder id = new StringBuilder(prefix);
            for (int i = 0; i < 17; i++) {
                id.append(HEX.charAt(random.nextInt(16)));
            }
            if (!used.test(id.toString())) {
                return id.toString();
            }
        }
    }

    /** A locally administered unicast MAC (02:...), as EC2 gives ENIs. */
    String mac(Predicate<String> used) {
        while (true) {
            byte[] tail = new byte[5];
            random.nextBytes(tail);
            String mac = "02:" + HexFormat.ofDelimiter(":").formatHex(tail);
            if (!used.test(mac)) {
                return mac;
            }
        }
    }
}
