import { Module } from '@nestjs/common';
import { ExportsResolver } from './exports.resolver.js';

@Module({ providers: [ExportsResolver] })
export class ExportsModule {}
