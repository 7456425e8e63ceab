import { Module } from '@nestjs/common';
import { OrdersAggregateController } from '../aggregates/orders-aggregate.controller.js';
import { OrdersAggregateService } from '../aggregates/orders-aggregate.service.js';
import { OrdersController } from './orders.controller.js';
import { OrdersService } from './orders.service.js';

@Module({ controllers: [OrdersController, OrdersAggregateController], providers: [OrdersService, OrdersAggregateService], exports: [OrdersService] })
export class OrdersModule {}
