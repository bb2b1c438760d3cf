package dev.lofilora.infer.sampler;

import dev.lofilora.common.LofiException;
import org.bytedeco.pytorch.Device;

import java.util.Arrays;
import java.util.Locale;

/** ACE-Step's {@code scheduler_type}: which flow-matching scheduler the pipeline builds (always 1000 steps, shift 3). */
public enum SchedulerType {
    EULER("euler"),
    HEUN("heun"),
    PINGPONG("pingpong");

    private final String id;

    SchedulerType(String id) {
        this.id = id;
    }

    /** The name ACE-Step and the CLI use ("euler", "heun", "pingpong"). */
    public String id() { return id; }

    /** A new scheduler of this type on {@code grid}, its σ table on {@code device}; call setTimesteps next. */
    public FlowMatchScheduler create(FlowMatchGrid grid, Device device) {
        return switch (this) {
            case EULER -> new EulerScheduler(grid, device);
            case HEUN -> new HeunScheduler(grid, device);
            case PINGPONG -> new PingPongScheduler(grid, device);
        };
    }

    /** Whether {@code oss_steps} works with it (the scheduler takes custom σ; Heun does not). */
    public boolean acceptsCustomSigmas() {
        return this != HEUN;
    }

    /** The type named {@code id} (case-insensitive); a {@link LofiException} listing the valid names otherwise. */
    public static SchedulerType parse(String id) {
        for (SchedulerType t : values()) if (t.id.equalsIgnoreCase(id == null ? "" : id.trim())) return t;
        throw new LofiException("unknown scheduler \"" + id + "\"", "use one of "
                + String.join(", ", Arrays.stream(values()).map(SchedulerType::id).toList()));
    }

    @Override
    public String toString() { return id.toLowerCase(Locale.ROOT); }
}
