package dev.podnet.cloud.sim;

import java.util.Set;

/** EC2's names for the actions the emulator serves; faults and the call log are keyed by them. */
final class Actions {
    static final String DESCRIBE_VPCS = "DescribeVpcs";
    static final String DESCRIBE_INSTANCES = "DescribeInstances";
    static final String DESCRIBE_SUBNETS = "DescribeSubnets";
    static final String DESCRIBE_NETWORK_INTERFACES = "DescribeNetworkInterfaces";
    static final String CREATE_NETWORK_INTERFACE = "CreateNetworkInterface";
    static final String ATTACH_NETWORK_INTERFACE = "AttachNetworkInterface";
    static final String DETACH_NETWORK_INTERFACE = "DetachNetworkInterface";
    static final String DELETE_NETWORK_INTERFACE = "DeleteNetworkInterface";
    static final String ASSIGN_PRIVATE_IP_ADDRESSES = "AssignPrivateIpAddresses";
    static final String UNASSIGN_PRIVATE_IP_ADDRESSES = "UnassignPrivateIpAddresses";
    static final String ASSIGN_IPV6_ADDRESSES = "AssignIpv6Addresses";
    static final String UNASSIGN_IPV6_ADDRESSES = "UnassignIpv6Addresses";

    static final String ASSOCIATE_VPC_CIDR_BLOCK = "AssociateVpcCidrBlock";
    static final String DISASSOCIATE_VPC_CIDR_BLOCK = "DisassociateVpcCidrBlock";
    static final String MODIFY_VPC_ATTRIBUTE = "ModifyVpcAttribute";
    static final String CREATE_SUBNET = "CreateSubnet";
    static final String DELETE_SUBNET = "DeleteSubnet";
    static final String DESCRIBE_ROUTE_TABLES = "DescribeRouteTables";
    static final String ASSOCIATE_ROUTE_TABLE = "AssociateRouteTable";
    static final String CREATE_TAGS = "CreateTags";
    static final String DESCRIBE_TAGS = "DescribeTags";
    static final String CREATE_SUBNET_CIDR_RESERVATION = "CreateSubnetCidrReservation";
    static final String GET_SUBNET_CIDR_RESERVATIONS = "GetSubnetCidrReservations";
    static final String CREATE_VPC_ENDPOINT = "CreateVpcEndpoint";
    static final String DESCRIBE_VPC_ENDPOINTS = "DescribeVpcEndpoints";
    static final String DESCRIBE_SECURITY_GROUPS = "DescribeSecurityGroups";

    static final Set<String> ALL = Set.of(DESCRIBE_VPCS, DESCRIBE_INSTANCES, DESCRIBE_SUBNETS, DESCRIBE_NETWORK_INTERFACES,
            CREATE_NETWORK_INTERFACE, ATTACH_NETWORK_INTERFACE, DETACH_NETWORK_INTERFACE, DELETE_NETWORK_INTERFACE,
            ASSIGN_PRIVATE_IP_ADDRESSES, UNASSIGN_PRIVATE_IP_ADDRESSES, ASSIGN_IPV6_ADDRESSES, UNASSIGN_IPV6_ADDRESSES,
            ASSOCIATE_VPC_CIDR_BLOCK, DISASSOCIATE_VPC_CIDR_BLOCK, MODIFY_VPC_ATTRIBUTE, CREATE_SUBNET, DELETE_SUBNET,
            DESCRIBE_ROUTE_TABLES, ASSOCIATE_ROUTE_TABLE, CREATE_TAGS, DESCRIBE_TAGS, CREATE_SUBNET_CIDR_RESERVATION,
            GET_SUBNET_CIDR_RESERVATIONS, CREATE_VPC_ENDPOINT, DESCRIBE_VPC_ENDPOINTS, DESCRIBE_SECURITY_GROUPS);

    private Actions() {
    }

    /** EC2 throttles Describe* calls in their own, larger bucket. */
    static boolean isDescribe(String action) {
        return action.startsWith("Describe") || action.startsWith("Get");
    }

    static String requireKnown(String action) {
        if (!ALL.contains(action)) {
            throw new IllegalArgumentException("unknown EC2 action \"" + action + "\"; the emulator serves "
                    + new java.util.TreeSet<>(ALL));
        }
        return action;
    }
}
