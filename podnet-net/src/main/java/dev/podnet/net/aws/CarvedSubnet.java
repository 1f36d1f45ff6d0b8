package dev.podnet.net.aws;

import dev.podnet.net.Cidr;

/**
 * The subnet one availability zone gets.
 *
 * @param usableAddresses the subnet's size less the five addresses AWS reserves in every subnet
 *                        (network, router, DNS, future use and the last one)
 */
public record CarvedSubnet(String zone, Cidr cidr, long usableAddresses) {

    public static final int AWS_RESERVED_PER_SUBNET = 5;

    public CarvedSubnet {
        if (usableAddresses != cidr.sizeV4() - AWS_RESERVED_PER_SUBNET) {
            throw new IllegalArgumentException(cidr + " has " + (cidr.sizeV4() - AWS_RESERVED_PER_SUBNET)
                    + " usable addresses, not " + usableAddresses);
        }
    }

    public static CarvedSubnet of(String zone, Cidr cidr) {
        return new CarvedSubnet(zone, cidr, cidr.sizeV4() - AWS_RESERVED_PER_SUBNET);
    }
}
