import { Testing } from 'cdktf';

Testing.setupJest();
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
