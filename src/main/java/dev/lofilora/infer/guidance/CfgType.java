package dev.lofilora.infer.guidance;

import dev.lofilora.common.LofiException;

import java.util.Arrays;

/** ACE-Step's {@code cfg_type}: which rule combines the conditional and unconditional predictions. */
public enum CfgType {
    /** Adaptive projected guidance (ACE-Step's default). */
    APG("apg"),
    /** Plain classifier-free guidance. */
    CFG("cfg"),
    /** CFG-Zero*. */
    CFG_STAR("cfg_star");

    private final String id;

    CfgType(String id) {
        this.id = id;
    }

    /** The name ACE-Step and the CLI use. */
    public String id() { return id; }

    /** A fresh rule of this type (APG with a new momentum buffer, as one generation of ACE-Step makes). */
    public GuidanceRule newRule(int zeroSteps, boolean useZeroInit) {
        return switch (this) {
            case APG -> new Apg(new MomentumBuffer());
            case CFG -> new Cfg();
            case CFG_STAR -> new CfgZeroStar(zeroSteps, useZeroInit);
        };
    }

    /** The type named {@code id} (case-insensitive); a {@link LofiException} listing the valid names otherwise. */
    public static CfgType parse(String id) {
        for (CfgType t : values()) if (t.id.equalsIgnoreCase(id == null ? "" : id.trim())) return t;
        throw new LofiException("unknown guidance type \"" + id + "\"",
                "use one of " + String.join(", ", Arrays.stream(values()).map(CfgType::id).toList()));
    }

    @Override
    public String toString() { return id; }
}
