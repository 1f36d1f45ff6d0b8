package dev.podnet.bench;

import dev.podnet.ipam.AttachmentKey;
import dev.podnet.ipam.Ipam;
import dev.podnet.ipam.JournaledIpamBench;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The journaled engine with one caller against the disk's floor for the same work (two appends of a record-sized
 * line, each followed by {@code force(false)}, per allocate+release pair), in alternating time slices. On a shared
 * VM the fsync time moves by several times within a minute, so only slices taken side by side compare fairly.
 * fsync-bound work does not need JMH's forks and warm-up to be measured: the JIT's share is noise here.
 */
final class FsyncFloor {
    record Result(double ipamMedian, double floorMedian, double[] ipam, double[] floor) {
    }

    private FsyncFloor() {
    }

    static Result measure(int slices, long sliceMillis) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("podnet-bench-floor");
        Path file = dir.resolve("floor.log");
        ByteBuffer record = ByteBuffer.wrap(
                "A 1735689600000 bench t0n123456 eth0 10.7.128.1\n".getBytes(StandardCharsets.US_ASCII));
        double[] ipamRates = new double[slices];
        double[] floorRates = new double[slices];
        try (Ipam ipam = JournaledIpamBench.openHalfFull(dir.resolve("state"));
             FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long position = 0;
            long key = 0;
            long sliceNanos = sliceMillis * 1_000_000;
            for (int s = -1; s < slices; s++) { // slice -1 warms both up and is not kept
                long start = System.nanoTime();
                long pairs = 0;
                while (System.nanoTime() - start < sliceNanos) {
                    JournaledIpamBench.allocateRelease(ipam, AttachmentKey.of("f" + key++, "eth0"));
                    pairs++;
                }
                double ipamRate = pairs / ((System.nanoTime() - start) / 1e9);
                start = System.nanoTime();
                pairs = 0;
                while (System.nanoTime() - start < sliceNanos) {
                    for (int r = 0; r < 2; r++) {
                        record.clear();
                        while (record.hasRemaining()) {
                            position += channel.write(record, position);
                        }
                        channel.force(false);
                    }
                    pairs++;
                }
                double floorRate = pairs / ((System.nanoTime() - start) / 1e9);
                if (s >= 0) {
                    ipamRates[s] = ipamRate;
                    floorRates[s] = floorRate;
                }
            }
        } finally {
            JournaledIpamBench.delete(dir);
        }
        return new Result(median(ipamRates), median(floorRates), ipamRates, floorRates);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
