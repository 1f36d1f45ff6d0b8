package dev.podnet.cloud;

import java.util.Arrays;
import java.util.Optional;

/**
 * The EC2 error codes podnet emulates and reacts to, with the HTTP status EC2 sends them with. Callers branch on
 * the code, never on message text.
 */
public enum Ec2Error {
    REQUEST_LIMIT_EXCEEDED("RequestLimitExceeded", 503, Kind.THROTTLED),
    PRIVATE_IP_ADDRESS_LIMIT_EXCEEDED("PrivateIpAddressLimitExceeded", 400, Kind.LIMIT),
    ATTACHMENT_LIMIT_EXCEEDED("AttachmentLimitExceeded", 400, Kind.LIMIT),
    NETWORK_INTERFACE_LIMIT_EXCEEDED("NetworkInterfaceLimitExceeded", 400, Kind.LIMIT),
    INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET("InsufficientFreeAddressesInSubnet", 400, Kind.SUBNET_FULL),
    INSUFFICIENT_CIDR_BLOCKS("InsufficientCidrBlocks", 400, Kind.SUBNET_FULL),
    INVALID_NETWORK_INTERFACE_ID_NOT_FOUND("InvalidNetworkInterfaceID.NotFound", 400, Kind.NOT_FOUND),
    INVALID_NETWORK_INTERFACE_ID_MALFORMED("InvalidNetworkInterfaceID.Malformed", 400, Kind.INVALID),
    INVALID_ATTACHMENT_ID_NOT_FOUND("InvalidAttachmentID.NotFound", 400, Kind.NOT_FOUND),
    INVALID_INSTANCE_ID_NOT_FOUND("InvalidInstanceID.NotFound", 400, Kind.NOT_FOUND),
    INVALID_INSTANCE_ID_MALFORMED("InvalidInstanceID.Malformed", 400, Kind.INVALID),
    INVALID_VPC_ID_NOT_FOUND("InvalidVpcID.NotFound", 400, Kind.NOT_FOUND),
    INVALID_SUBNET_ID_NOT_FOUND("InvalidSubnetID.NotFound", 400, Kind.NOT_FOUND),
    INVALID_GROUP_NOT_FOUND("InvalidGroup.NotFound", 400, Kind.NOT_FOUND),
    INVALID_NETWORK_INTERFACE_IN_USE("InvalidNetworkInterface.InUse", 400, Kind.CONFLICT),
    INVALID_IP_ADDRESS_IN_USE("InvalidIPAddress.InUse", 400, Kind.CONFLICT),
    INVALID_PARAMETER_VALUE("InvalidParameterValue", 400, Kind.INVALID),
    INVALID_PARAMETER_COMBINATION("InvalidParameterCombination", 400, Kind.INVALID),
    MISSING_PARAMETER("MissingParameter", 400, Kind.INVALID),
    INVALID_ACTION("InvalidAction", 400, Kind.INVALID),
    UNAVAILABLE("Unavailable", 503, Kind.UNAVAILABLE),
    INTERNAL_ERROR("InternalError", 500, Kind.UNAVAILABLE);

    /** What a caller can do about an error: wait (THROTTLED, UNAVAILABLE), nothing now (LIMIT, SUBNET_FULL), or fix the call. */
    public enum Kind { THROTTLED, LIMIT, SUBNET_FULL, NOT_FOUND, CONFLICT, INVALID, UNAVAILABLE }

    private final String code;
    private final int httpStatus;
    private final Kind kind;

    Ec2Error(String code, int httpStatus, Kind kind) {
        this.code = code;
        this.httpStatus = httpStatus;
        this.kind = kind;
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public Kind kind() {
        return kind;
    }

    public static Optional<Ec2Error> ofCode(String code) {
        return Arrays.stream(values()).filter(e -> e.code.equals(code)).findFirst();
    }
}
