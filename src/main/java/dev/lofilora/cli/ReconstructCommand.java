package dev.lofilora.cli;

import dev.lofilora.common.Json;
import dev.lofilora.preprocess.ReconstructConfig;
import dev.lofilora.preprocess.ReconstructJob;
import dev.lofilora.preprocess.ReconstructResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code lofi reconstruct}: a track through the codec's encode and decode, to hear what the autoencoder keeps. */
@Command(name = "reconstruct", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Encode a track with ACE-Step's DCAE (the latent training sees) and decode it back with the DCAE decoder and the vocoder, writing a 48 kHz stereo 24-bit WAV, so you can hear what the autoencoder keeps of your material. Prints the waveform SNR and the log-mel distance.",
                "",
                "Exit codes: 0 written; 2 bad input, model or option; 3 internal error."
        })
final class ReconstructCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<audio>", description = "Any audio file FFmpeg reads.")
    Path audio;

    @Option(names = "--model", required = true, paramLabel = "<dir|tiny>",
            description = "An ACE-Step v1 checkpoint folder (music_dcae_f8c8/, music_vocoder/) or 'tiny'.")
    String model;

    @Option(names = "--out", required = true, paramLabel = "<wav>", description = "The WAV file to write.")
    Path out;

    @Option(names = "--device", paramLabel = "<device>", defaultValue = "auto",
            description = "auto (CUDA when available), cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--bf16-weights", paramLabel = "<auto|on|off>", defaultValue = "auto",
            description = "Round the weights to bf16 as ACE-Step's trainer does; auto = on for a checkpoint, off for tiny (default: ${DEFAULT-VALUE}).")
    String bf16;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        ReconstructResult r = new ReconstructJob(new ReconstructConfig(audio, out, model, device,
                PreprocessCommand.bf16(bf16), common.config())).run(ConsoleProgress.create(common));
        if (common.json) {
            System.out.println(Json.toString(r));
        } else {
            System.out.printf(java.util.Locale.ROOT, "wrote %s: %.2f s at 48 kHz through %s latent frames (%s, %s); "
                            + "waveform SNR %.1f dB, log-mel distance %.2f dB, %.1f s%n", r.out(), r.samples48k() / 48000.0,
                    r.latentFrames(), r.model(), r.device(), r.snrDb(), r.melDistanceDb(), r.seconds());
        }
        return ExitCodes.OK;
    }
}
