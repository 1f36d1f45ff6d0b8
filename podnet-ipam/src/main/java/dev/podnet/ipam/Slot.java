package dev.podnet.ipam;

import inet.ipaddr.IPAddress;

/** One address of one range, by offset: the unit the allocator takes, frees and quarantines. */
record Slot(RangeState range, long offset) {

    AttachmentKey owner() {
        return range.owner(offset);
    }

    void own(AttachmentKey key) {
        range.own(offset, key);
    }

    void disown() {
        range.disown(offset);
    }

    IPAddress address() {
        return range.addressAt(offset);
    }

    AssignedAddress assigned() {
        return range.assigned(offset);
    }

    @Override
    public String toString() {
        return Addresses.text(address());
    }
}
