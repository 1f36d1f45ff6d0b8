package dev.podnet.blocks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnet.net.Cidr;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * A block's JSON in the store: {@code {"cidr":"10.244.3.64/26","affinity":"node-a","holders":{"node-a":"ff00..."}}}.
 * A holder's bitmap is hex, one digit per four addresses in address order, the high bit of a digit first: the
 * text reads left to right like the block ({@code "c000000000000000"} = its first two addresses).
 */
final class BlockCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BlockCodec() {
    }

    static byte[] encode(Block block, int size) {
        ObjectNode root = JSON.createObjectNode();
        root.put("cidr", block.cidr().network().toCanonicalString());
        root.put("affinity", block.affinity());
        ObjectNode holders = root.putObject("holders");
        block.holders().forEach((node, bits) -> holders.put(node, hex(bits, size)));
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Decodes and checks a block's record; throws IllegalArgumentException naming what is wrong. */
    static Block decode(byte[] value, Cidr expected, int size) {
        JsonNode root;
        try {
            root = JSON.readTree(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        String cidr = text(root, "cidr");
        if (!Cidr.parse(cidr).equals(expected)) {
            throw new IllegalArgumentException("cidr " + cidr + " does not match its key (" + expected + ")");
        }
        String affinity = text(root, "affinity");
        JsonNode holders = root.get("holders");
        if (holders == null || !holders.isObject()) {
            throw new IllegalArgumentException("\"holders\" is missing or not an object");
        }
        Map<String, BitSet> parsed = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = holders.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new IllegalArgumentException("holder " + e.getKey() + " is not a hex string");
            }
            parsed.put(e.getKey(), bits(e.getValue().asText(), size));
        }
        return new Block(Cidr.parse(cidr), affinity, parsed);
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || !n.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" is missing or not a string");
        }
        return n.asText();
    }

    static String hex(BitSet bits, int size) {
        StringBuilder b = new StringBuilder(size / 4 + 1);
        for (int digit = 0; digit * 4 < size; digit++) {
            int v = 0;
            for (int i = 0; i < 4; i++) {
                if (bits.get(digit * 4 + i)) {
                    v |= 8 >> i;
                }
            }
            b.append(Character.forDigit(v, 16));
        }
        return b.toString();
    }

    static BitSet bits(String hex, int size) {
        int digits = (size + 3) / 4;
        if (hex.length() != digits) {
            throw new IllegalArgumentException("bitmap \"" + abbreviate(hex) + "\" has " + hex.length()
                    + " hex digits, a block of " + size + " addresses needs " + digits);
        }
        BitSet bits = new BitSet(size);
        for (int digit = 0; digit < digits; digit++) {
            int v = Character.digit(hex.charAt(digit), 16);
            if (v < 0) {
                throw new IllegalArgumentException("bitmap \"" + abbreviate(hex) + "\" is not hex");
            }
            for (int i = 0; i < 4; i++) {
                if ((v & (8 >> i)) != 0) {
                    if (digit * 4 + i >= size) {
                        throw new IllegalArgumentException("bitmap \"" + abbreviate(hex) + "\" sets bits past the block");
                    }
                    bits.set(digit * 4 + i);
                }
            }
        }
        return bits;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
