package dev.podnet.api;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The status reply's body; apart from {@link AgentWire} so the plugin's add/del path never loads it. */
final class AgentStatusCodec {
    static final String BAD_REPLY = "invalid agent reply";

    private AgentStatusCodec() {
    }

    static void write(JsonOut out, AgentReply.Status status) throws IOException {
        out.startObject();
        out.field("pools");
        out.gen.writeStartArray();
        for (AgentReply.PoolStatus pool : status.pools()) {
            out.startObject();
            out.string("name", pool.name());
            out.number("total", pool.total());
            out.number("used", pool.used());
            out.number("free", pool.free());
            out.number("quarantined", pool.quarantined());
            out.endObject();
        }
        out.gen.writeEndArray();
        out.field("allocations");
        out.gen.writeStartArray();
        for (AgentReply.Allocation allocation : status.allocations()) {
            out.startObject();
            out.string("address", allocation.address());
            out.string("containerId", allocation.containerId());
            out.string("ifName", allocation.ifName());
            out.stringIfPresent("pool", allocation.pool());
            if (allocation.pod() != null) {
                out.field("pod");
                out.startObject();
                out.string("namespace", allocation.pod().namespace());
                out.string("name", allocation.pod().name());
                out.string("uid", allocation.pod().uid());
                out.endObject();
            }
            out.endObject();
        }
        out.gen.writeEndArray();
        out.endObject();
    }

    static AgentReply.Status read(JsonIn in) {
        List<AgentReply.PoolStatus> pools = new ArrayList<>();
        List<AgentReply.Allocation> allocations = new ArrayList<>();
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "pools" -> {
                    if (in.arrayOrNull()) {
                        while (in.nextElement()) {
                            pools.add(readPool(in));
                        }
                    }
                }
                case "allocations" -> {
                    if (in.arrayOrNull()) {
                        while (in.nextElement()) {
                            allocations.add(readAllocation(in));
                        }
                    }
                }
                default -> in.skip();
            }
        }
        return new AgentReply.Status(pools, allocations);
    }

    private static AgentReply.PoolStatus readPool(JsonIn in) {
        if (!in.objectOrNull("an object")) {
            throw in.typeError("a pool object");
        }
        String name = null;
        long[] counts = new long[4];
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            int slot = switch (field) {
                case "total" -> 0;
                case "used" -> 1;
                case "free" -> 2;
                case "quarantined" -> 3;
                default -> -1;
            };
            if (field.equals("name")) {
                name = in.string();
            } else if (slot >= 0) {
                Long value = in.longValue();
                counts[slot] = value == null ? 0 : value;
            } else {
                in.skip();
            }
        }
        try {
            return new AgentReply.PoolStatus(name, counts[0], counts[1], counts[2], counts[3]);
        } catch (IllegalArgumentException e) {
            throw in.invalid(CniException.DECODING_FAILURE, AgentStatusCodec.BAD_REPLY, e.getMessage());
        }
    }

    private static AgentReply.Allocation readAllocation(JsonIn in) {
        if (!in.objectOrNull("an object")) {
            throw in.typeError("an allocation object");
        }
        String address = null;
        String containerId = null;
        String ifName = null;
        String pool = null;
        AgentReply.Pod pod = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "address" -> address = in.string();
                case "containerId" -> containerId = in.string();
                case "ifName" -> ifName = in.string();
                case "pool" -> pool = in.string();
                case "pod" -> pod = in.objectOrNull("an object") ? readPod(in) : null;
                default -> in.skip();
            }
        }
        try {
            return new AgentReply.Allocation(address, containerId, ifName, CniResult.emptyToNull(pool), pod);
        } catch (IllegalArgumentException e) {
            throw in.invalid(CniException.DECODING_FAILURE, AgentStatusCodec.BAD_REPLY, e.getMessage());
        }
    }

    private static AgentReply.Pod readPod(JsonIn in) {
        String namespace = null;
        String name = null;
        String uid = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "namespace" -> namespace = in.string();
                case "name" -> name = in.string();
                case "uid" -> uid = in.string();
                default -> in.skip();
            }
        }
        try {
            return new AgentReply.Pod(namespace, name, uid);
        } catch (IllegalArgumentException e) {
            throw in.invalid(CniException.DECODING_FAILURE, AgentStatusCodec.BAD_REPLY, e.getMessage());
        }
    }
}
