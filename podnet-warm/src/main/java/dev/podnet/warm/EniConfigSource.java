package dev.podnet.warm;

import java.util.Set;

/**
 * Where a new ENI's ENIConfig comes from under custom networking. The warm pool asks at the moment it creates an ENI,
 * as the VPC CNI's ipamd does (tryAllocateENI asks eniconfig.MyENIConfig each time), so a new ENI uses the ENIConfig
 * of that moment: a changed ENIConfig applies to the next ENI, never to the ENIs attached already.
 */
public interface EniConfigSource {

    /**
     * The ENIConfig a new ENI takes now.
     *
     * @throws NoEniConfigException when there is none it can use, saying why; no ENI is created then
     */
    EniConfig current();

    /** One ENIConfig for good: the one picked from a file at start. */
    record Fixed(EniConfig config) implements EniConfigSource {
        @Override
        public EniConfig current() {
            return config;
        }
    }

    /**
     * This source, refusing an ENIConfig whose subnet is not one of {@code subnets}, the subnets whose addresses the
     * node's pool serves ({@code where} says which those are, for the message).
     */
    default EniConfigSource within(Set<String> subnets, String where) {
        Set<String> known = Set.copyOf(subnets);
        return () -> {
            EniConfig c = current();
            if (!known.contains(c.subnet())) {
                throw new NoEniConfigException("ENIConfig \"" + c.name() + "\" names " + c.subnet() + ", which is not "
                        + where);
            }
            return c;
        };
    }
}
