package dev.podnet.cloud.sim;

import dev.podnet.cloud.CloudException;
import dev.podnet.cloud.Ec2Error;

/** The emulator's errors, with EC2's codes and messages worded like EC2's. */
final class Errors {
    private Errors() {
    }

    static CloudException of(Ec2Error error, String message) {
        return new CloudException(error, message);
    }

    /** An EC2 code podnet itself never branches on, so {@link Ec2Error} need not know it. */
    static CloudException code(String code, String message) {
        return new CloudException(code, message);
    }

    static CloudException invalid(String message) {
        return new CloudException(Ec2Error.INVALID_PARAMETER_VALUE, message);
    }

    static CloudException missing(String parameter) {
        return new CloudException(Ec2Error.MISSING_PARAMETER, "The request must contain the parameter " + parameter);
    }

    static CloudException eniNotFound(String id) {
        return of(Ec2Error.INVALID_NETWORK_INTERFACE_ID_NOT_FOUND, "The networkInterface ID '" + id + "' does not exist");
    }

    static CloudException eniMalformed(String id) {
        return of(Ec2Error.INVALID_NETWORK_INTERFACE_ID_MALFORMED,
                "Invalid id: \"" + id + "\" (expecting \"eni-...\")");
    }

    static CloudException instanceNotFound(String id) {
        return of(Ec2Error.INVALID_INSTANCE_ID_NOT_FOUND, "The instance ID '" + id + "' does not exist");
    }

    static CloudException instanceMalformed(String id) {
        return of(Ec2Error.INVALID_INSTANCE_ID_MALFORMED, "Invalid id: \"" + id + "\" (expecting \"i-...\")");
    }

    static CloudException vpcNotFound(String id) {
        return of(Ec2Error.INVALID_VPC_ID_NOT_FOUND, "The vpc ID '" + id + "' does not exist");
    }

    static CloudException subnetNotFound(String id) {
        return of(Ec2Error.INVALID_SUBNET_ID_NOT_FOUND, "The subnet ID '" + id + "' does not exist");
    }

    static CloudException groupNotFound(String id) {
        return of(Ec2Error.INVALID_GROUP_NOT_FOUND, "The security group '" + id + "' does not exist in VPC");
    }

    static CloudException attachmentNotFound(String id) {
        return of(Ec2Error.INVALID_ATTACHMENT_ID_NOT_FOUND, "The attachment ID '" + id + "' does not exist");
    }

    static CloudException inUse(String eniId) {
        return of(Ec2Error.INVALID_NETWORK_INTERFACE_IN_USE, "Interface: [" + eniId + "] in use.");
    }

    static CloudException addressLimit(String eniId) {
        return of(Ec2Error.PRIVATE_IP_ADDRESS_LIMIT_EXCEEDED,
                "Number of private addresses will exceed limit for interface " + eniId + ".");
    }
}
