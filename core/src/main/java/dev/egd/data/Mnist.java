package dev.egd.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * MNIST digits as a classification task: 784 pixels in [0, 1], 10 classes.
 *
 * <p>Without a data directory the bundled set is used: 10,000 real digits from the
 * {@code dev.egd:egd-data} artifact, which must then be on the class path (see
 * {@code dev/egd/data/mnist-10k/README.md} there for provenance), the first {@code trainPoints} for
 * training and the rest for testing. With a directory of the standard files
 * ({@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]}, and optionally
 * {@code t10k-*}), training takes the first {@code trainPoints} training images and testing the
 * official test set (or the remaining training images when it is absent).
 */
public final class Mnist {
  static final String BUNDLE = "/dev/egd/data/mnist-10k/";

  private Mnist() {}

  /**
   * Loads the digits as the class comment describes.
   *
   * @param dir a directory of the standard files, or null for the bundled digits
   * @param trainPoints training images, at least 1 and at most what the source holds (minus one when the test set
   *     comes from the training images)
   * @return the training and test sets: dense rows of 784 pixels, 10 classes
   * @throws IOException if a file cannot be read
   * @throws dev.egd.ValidationException ({@code data}, {@code train_points}) if the directory lacks a file, a file is not
   *     MNIST's, or {@code trainPoints} is out of range
   * @throws IllegalArgumentException if the bundle is not on the class path, or the images and labels do not agree
   */
  public static Split load(Path dir, int trainPoints) throws IOException {
    dev.egd.Check.atLeast("train_points", trainPoints, 1);
    Dataset train, test = null;
    String source;
    if (dir == null) {
      InputStream images = bundled("images-idx3-ubyte.gz"), labels = bundled("labels-idx1-ubyte.gz");
      if (images == null || labels == null) {
        for (InputStream in : new InputStream[] {images, labels}) if (in != null) in.close();
        throw new IllegalArgumentException("the bundled MNIST digits are not on the class path: add the dev.egd:egd-data"
            + " artifact, or pass a directory of the MNIST IDX files");
      }
      Dataset all = read(images, labels, "bundled mnist-10k");
      train = all;
      source = "bundled MNIST (10,000 digits)";
    } else {
      if (!Files.isDirectory(dir)) throw dev.egd.ValidationException.of("data", dir + " is not a directory");
      train = read(find(dir, "train-images-idx3-ubyte", true), find(dir, "train-labels-idx1-ubyte", true), dir + "/train-*");
      InputStream ti = find(dir, "t10k-images-idx3-ubyte", false), tl = find(dir, "t10k-labels-idx1-ubyte", false);
      if ((ti == null) != (tl == null)) throw dev.egd.ValidationException.of("data", dir + ": t10k images and labels must come together");
      if (ti != null) test = read(ti, tl, dir + "/t10k-*");
      source = "MNIST from " + dir;
    }
    if (train.size < (test == null ? 2 : 1)) throw dev.egd.ValidationException.of("data", source + " has " + train.size + " images: too few to train and test");
    int limit = test == null ? train.size - 1 : train.size;
    if (trainPoints > limit)
      throw new dev.egd.ValidationException("train_points", "must be in [1, " + limit + "] for " + source, trainPoints);
    int[] tr = new int[trainPoints];
    for (int i = 0; i < trainPoints; i++) tr[i] = i;
    Dataset trainSet = train.subset(tr);
    if (test == null) {
      int[] te = new int[train.size - trainPoints];
      for (int i = 0; i < te.length; i++) te[i] = trainPoints + i;
      test = train.subset(te);
    }
    return new Split(trainSet, test, String.format(Locale.ROOT, "%s: %d train / %d test images", source, trainSet.size, test.size));
  }

  /**
   * One file of the bundle, from the egd-data artifact. On the class path the class's own lookup finds it; when egd-core
   * and egd-data are modules, the class loader's lookup does (the folder {@code mnist-10k} is no package, so it is not
   * encapsulated).
   */
  private static InputStream bundled(String file) {
    InputStream in = Mnist.class.getResourceAsStream(BUNDLE + file);
    ClassLoader cl = Mnist.class.getClassLoader();
    if (in == null && cl != null) in = cl.getResourceAsStream(BUNDLE.substring(1) + file);
    return in;
  }

  private static InputStream find(Path dir, String name, boolean required) throws IOException {
    for (String n : new String[] {name, name + ".gz"}) {
      Path p = dir.resolve(n);
      if (Files.isRegularFile(p)) return Files.newInputStream(p);
    }
    if (required) throw dev.egd.ValidationException.of("data", dir + ": missing " + name + " (or " + name + ".gz)");
    return null;
  }

  static Dataset read(InputStream images, InputStream labels, String what) throws IOException {
    try {
      return readChecked(images, labels, what);
    } catch (dev.egd.ValidationException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw dev.egd.ValidationException.of("data", e.getMessage());
    }
  }

  private static Dataset readChecked(InputStream images, InputStream labels, String what) throws IOException {
    if (images == null || labels == null) throw new IllegalStateException(what + " is missing from the jar");
    Idx.Images im = Idx.readImages(images, what + " images");
    if (im.rows() != 28 || im.cols() != 28)
      throw dev.egd.ValidationException.of("data", what + ": the images are " + im.rows() + "x" + im.cols() + "; MNIST's are 28x28");
    int[] lab = Idx.readLabels(labels, what + " labels");
    if (im.count() != lab.length)
      throw new IllegalArgumentException(what + ": " + im.count() + " images but " + lab.length + " labels");
    for (int l : lab) if (l > 9) throw new IllegalArgumentException(what + ": label " + l + " outside 0-9");
    return Dataset.denseClassification(im.rows() * im.cols(), im.pixels(), lab, 10);
  }
}
