package dev.podnet.net.aws;

/**
 * One reason AWS would refuse a CIDR block.
 *
 * @param rule        a short id that stays stable across releases, so callers and tests can match on it
 * @param explanation one sentence for the user, naming the candidate and the block or range it conflicts with
 */
public record CidrRefusal(String rule, String explanation) {
}
