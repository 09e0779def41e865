Network random_unseen {
Layer rgemm000_gemm {
Type: GEMM
Dimensions { K: 630, M: 150, N: 45 }
Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(32,32) K;
			Cluster(32, P);
			TemporalMap(1,1) N;
			TemporalMap(1,1) M;
			SpatialMap(1,1) K;
		}
}
Layer rgemm001_gemm {
Type: GEMM
Dimensions { K: 157, M: 39, N: 1327 }
Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(32,32) K;
			Cluster(32, P);
			TemporalMap(1,1) N;
			TemporalMap(1,1) M;
			SpatialMap(1,1) K;
		}
}
Layer rgemm002_gemm {
Type: GEMM
Dimensions { K: 193, M: 387, N: 863 }
Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(32,32) K;
			Cluster(32, P);
			TemporalMap(1,1) N;
			TemporalMap(1,1) M;
			SpatialMap(1,1) K;
		}
}
Layer rgemm003_gemm {
Type: GEMM
Dimensions { K: 33, M: 2, N: 67 }
Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(32,32) K;
			Cluster(32, P);
			TemporalMap(1,1) N;
			TemporalMap(1,1) M;
			SpatialMap(1,1) K;
		}
}
Layer rgemm004_gemm {
Type: GEMM
Dimensions { K: 981, M: 26, N: 1396 }
Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(32,32) K;
			Cluster(32, P);
			TemporalMap(1,1) N;
			TemporalMap(1,1) M;
			SpatialMap(1,1) K;
		}
}
Layer rgemm005_gemm {
Type: GEMM
Dimensions { K: 75, M: 53, N: 171 }
Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(32,32) K;
			Cluster(32, P);
			TemporalMap(1,1) N;
			TemporalMap(1,1) M;
			SpatialMap(1,1) K;
		}
}
Layer rgemm006_gemm {
Type: GEMM
Dimensions { K: 634, M: 151, N: 662 }
Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(32,32) K;
			Cluster(32, P);
			TemporalMap(1,1) N;
			TemporalMap(1,1) M;
			SpatialMap(1,1) K;
		}
}
Layer rgemm007_gemm {
Type: GEMM
Dimensions { K: 419, M: 33, N: 1283 }
Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(32,32) K;
			Cluster(32, P);
			TemporalMap(1,1) N;
			TemporalMap(1,1) M;
			SpatialMap(1,1) K;
		}
}
Layer rgemm008_gemm {
Type: GEMM
Dimensions { K: 89, M: 5, N: 127 }
Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(32,32) K;
			Cluster(32, P);
			TemporalMap(1,1) N;
			TemporalMap(1,1) M;
			SpatialMap(1,1) K;
		}
}
Layer rgemm009_gemm {
Type: GEMM
Dimensions { K: 827, M: 6, N: 2332 }
Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(32,32) K;
			Cluster(32, P);
			TemporalMap(1,1) N;
			TemporalMap(1,1) M;
			SpatialMap(1,1) K;
		}
}
Layer rgemm010_gemm {
Type: GEMM
Dimensions { K: 236, M: 46, N: 195 }
Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(32,32) K;
			Cluster(32, P);
			TemporalMap(1,1) N;
			TemporalMap(1,1) M;
			SpatialMap(1,1) K;
		}
}
Layer rgemm011_gemm {
Type: GEMM
Dimensions { K: 417, M: 2, N: 222 }
Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(32,32) K;
			Cluster(32, P);
			TemporalMap(1,1) N;
			TemporalMap(1,1) M;
			SpatialMap(1,1) K;
		}
}
Layer rgemm012_gemm {
Type: GEMM
Dimensions { K: 4080, M: 9, N: 266 }
Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(32,32) K;
			Cluster(32, P);
			TemporalMap(1,1) N;
			TemporalMap(1,1) M;
			SpatialMap(1,1) K;
		}
}
Layer rgemm013_gemm {
Type: GEMM
Dimensions { K: 3036, M: 298, N: 25 }
Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(32,32) K;
			Cluster(32, P);
			TemporalMap(1,1) N;
			TemporalMap(1,1) M;
			SpatialMap(1,1) K;
		}
}
Layer rgemm014_gemm {
Type: GEMM
Dimensions { K: 1386, M: 142, N: 1447 }
Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(32,32) K;
			Cluster(32, P);
			TemporalMap(1,1) N;
			TemporalMap(1,1) M;
			SpatialMap(1,1) K;
		}
}
Layer rgemm015_gemm {
Type: GEMM
Dimensions { K: 562, M: 4, N: 33 }
Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(32,32) K;
			Cluster(32, P);
			TemporalMap(1,1) N;
			TemporalMap(1,1) M;
			SpatialMap(1,1) K;
		}
}
Layer rgemm016_gemm {
Type: GEMM
Dimensions { K: 17, M: 175, N: 28 }
Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(32,32) K;
			Cluster(32, P);
			TemporalMap(1,1) N;
			TemporalMap(1,1) M;
			SpatialMap(1,1) K;
		}
}
Layer rgemm017_gemm {
Type: GEMM
Dimensions { K: 68, M: 368, N: 2487 }
Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(32,32) K;
			Cluster(32, P);
			TemporalMap(1,1) N;
			TemporalMap(1,1) M;
			SpatialMap(1,1) K;
		}
}
Layer rgemm018_gemm {
Type: GEMM
Dimensions { K: 1701, M: 176, N: 84 }
Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(32,32) K;
			Cluster(32, P);
			TemporalMap(1,1) N;
			TemporalMap(1,1) M;
			SpatialMap(1,1) K;
		}
}
Layer rgemm019_gemm {
Type: GEMM
Dimensions { K: 56, M: 1, N: 467 }
Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(32,32) K;
			Cluster(32, P);
			TemporalMap(1,1) N;
			TemporalMap(1,1) M;
			SpatialMap(1,1) K;
		}
}
Layer rgemm020_gemm {
Type: GEMM
Dimensions { K: 579, M: 53, N: 18 }
Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(32,32) K;
			Cluster(32, P);
			TemporalMap(1,1) N;
			TemporalMap(1,1) M;
			SpatialMap(1,1) K;
		}
}
Layer rgemm021_gemm {
Type: GEMM
Dimensions { K: 24, M: 2, N: 187 }
Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(32,32) K;
			Cluster(32, P);
			TemporalMap(1,1) N;
			TemporalMap(1,1) M;
			SpatialMap(1,1) K;
		}
}
Layer rgemm022_gemm {
Type: GEMM
Dimensions { K: 99, M: 11, N: 38 }
Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(32,32) K;
			Cluster(32, P);
			TemporalMap(1,1) N;
			TemporalMap(1,1) M;
			SpatialMap(1,1) K;
		}
}
Layer rgemm023_gemm {
Type: GEMM
Dimensions { K: 537, M: 19, N: 619 }
Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(32,32) K;
			Cluster(32, P);
			TemporalMap(1,1) N;
			TemporalMap(1,1) M;
			SpatialMap(1,1) K;
		}
}
Layer rgemm024_gemm {
Type: GEMM
Dimensions { K: 156, M: 26, N: 1810 }
Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(32,32) K;
			Cluster(32, P);
			TemporalMap(1,1) N;
			TemporalMap(1,1) M;
			SpatialMap(1,1) K;
		}
}
}
