// What a container mounts besides its root, and what a volume is on disk.

/** One mount of a container, decided at create time and stored in its record. */
export interface MountSpec {
  type: 'volume' | 'bind' | 'tmpfs';
  /** Host path: the bind source, or a volume's _data directory; "" for tmpfs. */
  source: string;
  /** The volume's name (type "volume" only). */
  name?: string;
  /** Absolute, normalised path inside the container (never "/"). */
  target: string;
  readonly: boolean;
  /** tmpfs: mount options ("size=1m", "mode=1777", "exec", ...); volume: "nocopy". */
  options: string[];
  /** bind from -v: a missing host directory is created at start (docker's -v; --mount refuses). */
  createSource?: boolean;
}

/** volumes/<name>/volume.json: docker's `volume inspect` fields plus berth's bookkeeping. */
export interface VolumeRecord {
  Name: string;
  Driver: 'local';
  /** The host directory bound into containers (volumes/<name>/_data). */
  Mountpoint: string;
  CreatedAt: string;
  Labels: Record<string, string>;
  Options: Record<string, string>;
  Scope: 'local';
  /** Made for an image VOLUME or a bare `-v /path`: removed with its container (rm -v, --rm). */
  Anonymous: boolean;
  /** Set once a container start has filled (or decided not to fill) the volume from its image
   * (docker's copy-up): a volume the user emptied later is not filled again. */
  Initialized: boolean;
  /** The start time of the newest container run that mounted it. */
  LastUsedAt?: string;
}
