package dev.podnet.net;

/**
 * Input that podnet refuses: a malformed CIDR, an unknown instance type, a value out of range.
 * The message is written for the user and names the value; callers add where it came from.
 */
public class InvalidInputException extends IllegalArgumentException {
    public InvalidInputException(String message) {
        super(message);
    }
}
