package dev.lofilora.conformance;

import java.nio.file.Path;

/**
 * One kind of golden folder (the contract of {@code ../shared/golden/README.md}) and the Java code that recomputes it:
 * the ACE-Step transformer, a codec component (log-mel, DCAE, vocoder, UMT5), LoRA gradients, ...
 *
 * <p>Suites are found with {@link java.util.ServiceLoader}: list the implementing class in
 * {@code src/main/resources/META-INF/services/dev.lofilora.conformance.ConformanceSuite}; it needs a public no-argument
 * constructor. The {@link ConformanceRunner} reads the expected tensors and tolerances, compares, prints and saves;
 * a suite only computes.
 */
public interface ConformanceSuite {
    /** A short, stable name ("acestep", "codecs.dcae"), shown in reports. */
    String name();

    /**
     * Whether {@code folder} is a golden folder of this suite, judged from its layout alone (file names, the folder
     * name, a field of its config) — cheaply, without loading tensors. At most one installed suite may accept a folder.
     */
    boolean accepts(Path folder);

    /**
     * Recomputes the golden's tensors from its config, weights and stored inputs, in float32 on {@code ctx.device()}.
     * Returns the computed tensors grouped by the expected file they belong to (the file name without
     * {@code .safetensors}: "outputs", "grads", "grads_denoise" for acestep; "io" for a codecs component), under the
     * expected keys, plus the expected keys it deliberately did not compute, each with a reason. Expected keys that
     * are neither computed nor listed count as skipped ("not computed by the suite").
     *
     * <p>The runner calls this inside a {@link org.bytedeco.javacpp.PointerScope} and frees every tensor created during
     * the call once the folder is compared and saved, so the suite must not keep them. Throw
     * {@link dev.lofilora.common.LofiException} for a folder that is malformed (missing file, bad config).
     */
    SuiteResult compute(Path folder, ConformanceContext ctx);
}
