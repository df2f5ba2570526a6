package dev.gantry.router.impl;

import dev.gantry.router.Instance;
import dev.gantry.router.InstanceStatus;
import io.vertx.core.net.SocketAddress;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Live state of one instance address, shared by all event loops: requests in flight (for
 * least-requests and draining) and passive health. The same object survives table updates as long
 * as the address stays in the table, so an update neither resets ejection nor loses in-flight counts.
 */
final class Upstream {

    private final Instance instance;
    private final SocketAddress address;
    private final java.net.InetSocketAddress socketAddress;
    private final String addressText;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private volatile long ejectedUntilNanos;
    private volatile boolean ejected;
    private volatile boolean retired;

    Upstream(Instance instance) {
        this.instance = instance;
        this.address = SocketAddress.inetSocketAddress(instance.port(), instance.host());
        // Instances are addresses (containers, pods); a name would be resolved here, once, not per connection.
        this.socketAddress = new java.net.InetSocketAddress(instance.host(), instance.port());
        this.addressText = instance.address();
    }

    Instance instance() {
        return instance;
    }

    SocketAddress address() {
        return address;
    }

    /** host:port, for logs. */
    String addressText() {
        return addressText;
    }

    java.net.InetSocketAddress socketAddress() {
        return socketAddress;
    }

    int inFlight() {
        return inFlight.get();
    }

    void begin() {
        inFlight.incrementAndGet();
    }

    /** @return the in-flight count after this request ended */
    int end() {
        return inFlight.decrementAndGet();
    }

    boolean available(long nowNanos) {
        return !ejected || nowNanos - ejectedUntilNanos >= 0;
    }

    /** Nanoseconds until the ejection ends (0 if not ejected). */
    long ejectionLeftNanos(long nowNanos) {
        return available(nowNanos) ? 0 : ejectedUntilNanos - nowNanos;
    }

    /**
     * A connection-level failure (refused, reset, closed before a response). After enough of them
     * in a row the instance is taken out of rotation for {@code ejectNanos}; when that ends it gets
     * traffic again and one more failure ejects it again.
     */
    void failed(long nowNanos, int threshold, long ejectNanos) {
        if (consecutiveFailures.incrementAndGet() >= threshold) {
            ejectedUntilNanos = nowNanos + ejectNanos;
            ejected = true;
            consecutiveFailures.set(0);
        }
    }

    void succeeded() {
        if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
        if (ejected) {
            ejected = false;
        }
    }

    boolean retired() {
        return retired;
    }

    void retired(boolean value) {
        retired = value;
    }

    InstanceStatus status(long nowNanos) {
        return new InstanceStatus(instance.host(), instance.port(), inFlight.get(), !available(nowNanos),
                retired);
    }
}
